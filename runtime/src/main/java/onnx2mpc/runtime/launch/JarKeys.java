package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.Map;
import onnx2mpc.runtime.net.Hosts;
import onnx2mpc.runtime.net.Tls;

/**
 * Loads a process's TLS key material from its jar: its own private key ({@link
 * Tls#KEY_RESOURCE}) and the certificate of every process of the program, all written by the
 * compiler. A jar without them cannot run: the launchers never fall back to plaintext.
 */
final class JarKeys {
  private JarKeys() {}

  static Tls load(JarResources jar, ProgramInfo info) throws IOException {
    int self = info.isDealer() ? Hosts.DEALER : info.party();
    byte[] key = jar.read(Tls.KEY_RESOURCE);
    if (key == null) {
      throw new LaunchException("this jar has no TLS key (" + Tls.KEY_RESOURCE + "); it was not"
          + " written by this version of onnx2mpc compile: recompile the model");
    }
    Map<Integer, byte[]> certs = new LinkedHashMap<>();
    for (int id = Hosts.DEALER; id < info.parties(); id++) {
      byte[] c = jar.read(Tls.certResource(id));
      if (c == null) {
        throw new LaunchException("this jar has no TLS certificate for "
            + (id == Hosts.DEALER ? "the dealer" : "party " + id) + " (" + Tls.certResource(id)
            + "): recompile the model");
      }
      certs.put(id, c);
    }
    try {
      return Tls.fromPem(self, key, certs);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new LaunchException("this jar's TLS key material is unreadable (" + e.getMessage()
          + ")", e);
    }
  }
}
