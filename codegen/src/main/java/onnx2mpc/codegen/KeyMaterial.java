package onnx2mpc.codegen;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import onnx2mpc.runtime.net.Hosts;
import onnx2mpc.runtime.net.Tls;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The TLS key material of one compile: for every process (parties 0..n-1 and the dealer) a
 * fresh EC P-256 key pair and a self-signed certificate (CN "onnx2mpc party K" / "onnx2mpc
 * dealer", valid 10 years), as PEM. Each jar gets its own private key and every process's
 * certificate, which the runtime pins ({@link Tls}). Keys come from {@link SecureRandom}, never
 * from the program, so two compiles of one model do not trust each other.
 *
 * @param keys PKCS#8 PEM private key by process id (dealer = -1)
 * @param certs PEM certificate by process id
 */
public record KeyMaterial(Map<Integer, byte[]> keys, Map<Integer, byte[]> certs) {
  static final Duration VALIDITY = Duration.ofDays(3653);

  /** Fresh keys and certificates for the dealer and parties 0..parties-1. */
  public static KeyMaterial generate(int parties) {
    try {
      SecureRandom random = new SecureRandom();
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), random);
      Map<Integer, byte[]> keys = new LinkedHashMap<>();
      Map<Integer, byte[]> certs = new LinkedHashMap<>();
      Instant now = Instant.now();
      for (int id = Hosts.DEALER; id < parties; id++) {
        KeyPair kp = gen.generateKeyPair();
        X500Principal name = new X500Principal("CN=onnx2mpc "
            + (id == Hosts.DEALER ? "dealer" : "party " + id));
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
            new BigInteger(127, random).add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name,
            kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(b.build(
            new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
        keys.put(id, pem("PRIVATE KEY", kp.getPrivate().getEncoded())); // PKCS#8
        certs.put(id, pem("CERTIFICATE", cert.getEncoded()));
      }
      return new KeyMaterial(Map.copyOf(keys), Map.copyOf(certs));
    } catch (GeneralSecurityException | OperatorCreationException
        | org.bouncycastle.cert.CertIOException e) {
      throw new IllegalStateException("cannot generate TLS keys: " + e, e);
    }
  }

  /**
   * Jar entries of process {@code id}: its own private key and every certificate; never
   * another process's key.
   */
  Map<String, byte[]> entriesFor(int id) {
    Map<String, byte[]> out = new LinkedHashMap<>();
    out.put(Tls.KEY_RESOURCE, keys.get(id));
    for (int p = Hosts.DEALER; p < certs.size() - 1; p++) {
      out.put(Tls.certResource(p), certs.get(p));
    }
    return out;
  }

  private static byte[] pem(String type, byte[] der) {
    return ("-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n").getBytes(StandardCharsets.US_ASCII);
  }
}
