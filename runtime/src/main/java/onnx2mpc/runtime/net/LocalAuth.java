package onnx2mpc.runtime.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The handshake proofs of the local transport ({@code --transport local}: every process on one
 * machine, plain TCP over loopback, no TLS). Loopback traffic cannot be read or altered by
 * another user without root, and root can read the processes' memory anyway; what is left is
 * a local process dialing in as a peer or listening on a peer's port first. So each pair proves
 * that it holds the compile-time keys, without TLS:
 *
 * <ul>
 *   <li>the pair key is SHA-256 of a label, both ids (lower first) and the static ECDH secret
 *       of one's private key and the other's pinned certificate, the same at both ends;
 *   <li>the dialer's hello carries a fresh nonce n_d and HMAC-SHA256 under that key of
 *       "dial", both ids, the program digest and n_d;
 *   <li>the listener's answer carries its nonce n_l, the pairwise seed XORed with
 *       HMAC(key, "seed" n_d n_l), and HMAC(key, "listen", both ids, digest, n_d, n_l, the
 *       masked seed).
 * </ul>
 *
 * A dialer thus only accepts an answer made for its own nonce, and nobody without the key
 * learns the seed. A listener cannot tell a replayed dialer hello from a fresh one, but
 * replaying one needs a copy of loopback traffic (root), and the answer to it is of no use
 * without the key.
 */
final class LocalAuth {
  static final int NONCE_BYTES = 16;
  static final int MAC_BYTES = 32;
  /** A hello's proof: nonce, then MAC. */
  static final int PROOF_BYTES = NONCE_BYTES + MAC_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();

  private LocalAuth() {}

  /** The key {@code self} and {@code peer} share (see the class comment). */
  static byte[] pairKey(PrivateKey own, int self, PublicKey peerKey, int peer)
      throws GeneralSecurityException {
    KeyAgreement ka = KeyAgreement.getInstance("ECDH");
    ka.init(own);
    ka.doPhase(peerKey, true);
    byte[] z = ka.generateSecret();
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    md.update("onnx2mpc local transport v1".getBytes(StandardCharsets.US_ASCII));
    md.update(ByteBuffer.allocate(8).putInt(Math.min(self, peer)).putInt(Math.max(self, peer))
        .array());
    md.update(z);
    Arrays.fill(z, (byte) 0);
    return md.digest();
  }

  static byte[] newNonce() {
    byte[] n = new byte[NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  /** The dialer's proof for its hello from {@code sender} to {@code receiver}. */
  static byte[] dialerProof(byte[] key, int sender, int receiver, String digest, byte[] nonce) {
    return concat(nonce, mac(key, "dial", sender, receiver, digest, nonce));
  }

  /** Whether {@code proof} is a dialer's proof, made with {@code key}, for this hello. */
  static boolean dialerValid(byte[] key, Wire.Hello h, byte[] proof) {
    if (proof == null || proof.length != PROOF_BYTES) {
      return false;
    }
    byte[] nonce = Arrays.copyOf(proof, NONCE_BYTES);
    return MessageDigest.isEqual(proof, dialerProof(key, h.sender(), h.receiver(), h.digest(),
        nonce));
  }

  /** The listener's proof, with {@code maskedSeed} as its hello carries it. */
  static byte[] listenerProof(byte[] key, int sender, int receiver, String digest,
      byte[] dialerNonce, byte[] nonce, byte[] maskedSeed) {
    return concat(nonce, mac(key, "listen", sender, receiver, digest, dialerNonce, nonce,
        maskedSeed));
  }

  /** Whether {@code h} (the listener's answer) proves the key for our {@code dialerNonce}. */
  static boolean listenerValid(byte[] key, Wire.Hello h, byte[] dialerNonce) {
    byte[] proof = h.auth();
    if (proof == null || proof.length != PROOF_BYTES || h.seed() == null) {
      return false;
    }
    byte[] nonce = Arrays.copyOf(proof, NONCE_BYTES);
    return MessageDigest.isEqual(proof, listenerProof(key, h.sender(), h.receiver(),
        h.digest(), dialerNonce, nonce, h.seed()));
  }

  /** The seed XORed with HMAC(key, "seed" n_d n_l): masks a clear seed, unmasks a masked one. */
  static byte[] maskSeed(byte[] key, byte[] dialerNonce, byte[] listenerNonce, byte[] seed) {
    byte[] pad = mac(key, "seed", 0, 0, "", dialerNonce, listenerNonce);
    if (seed.length > pad.length) {
      throw new IllegalArgumentException("seed: expected at most " + pad.length + " bytes");
    }
    byte[] out = new byte[seed.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = (byte) (seed[i] ^ pad[i]);
    }
    return out;
  }

  /** The nonce at the start of a proof. */
  static byte[] nonceOf(byte[] proof) {
    return Arrays.copyOf(proof, NONCE_BYTES);
  }

  private static byte[] mac(byte[] key, String label, int sender, int receiver, String digest,
      byte[]... parts) {
    try {
      Mac m = Mac.getInstance("HmacSHA256");
      m.init(new SecretKeySpec(key, "HmacSHA256"));
      m.update(label.getBytes(StandardCharsets.US_ASCII));
      m.update(ByteBuffer.allocate(8).putInt(sender).putInt(receiver).array());
      byte[] d = digest.getBytes(StandardCharsets.UTF_8);
      // Lengths before variable fields, so that no two inputs encode alike.
      m.update(ByteBuffer.allocate(4).putInt(d.length).array());
      m.update(d);
      for (byte[] p : parts) {
        m.update(ByteBuffer.allocate(4).putInt(p.length).array());
        m.update(p);
      }
      return m.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
