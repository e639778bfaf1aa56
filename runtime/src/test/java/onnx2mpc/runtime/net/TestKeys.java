package onnx2mpc.runtime.net;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Key material of one test "compile", made as onnx2mpc.codegen.KeyMaterial makes it. */
public final class TestKeys {
  public final Map<Integer, PrivateKey> keys = new HashMap<>();
  public final Map<Integer, X509Certificate> certs = new HashMap<>();

  public TestKeys(int parties) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"));
      Instant now = Instant.now();
      for (int id = Hosts.DEALER; id < parties; id++) {
        KeyPair kp = gen.generateKeyPair();
        X500Principal name = new X500Principal("CN=onnx2mpc "
            + (id == Hosts.DEALER ? "dealer" : "party " + id));
        X509Certificate c = new JcaX509CertificateConverter().getCertificate(
            new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(9))),
                name, kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        keys.put(id, kp.getPrivate());
        certs.put(id, c);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Process {@code id}'s key material. */
  public Tls tls(int id) {
    return Tls.of(id, keys.get(id), certs);
  }

  /** Process {@code id}'s options: {@code base} with its key material. */
  public NetOptions options(NetOptions base, int id) {
    return base.withTls(tls(id));
  }

  /** The jar entries of process {@code id}: its own key and every certificate, as PEM. */
  public Map<String, byte[]> entries(int id) {
    try {
      Map<String, byte[]> out = new HashMap<>();
      out.put(Tls.KEY_RESOURCE, pem("PRIVATE KEY", keys.get(id).getEncoded()));
      for (Map.Entry<Integer, X509Certificate> e : certs.entrySet()) {
        out.put(Tls.certResource(e.getKey()), pem("CERTIFICATE", e.getValue().getEncoded()));
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] pem(String type, byte[] der) {
    return ("-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(der)
        + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }
}
