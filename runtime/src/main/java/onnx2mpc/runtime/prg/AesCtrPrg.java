package onnx2mpc.runtime.prg;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import onnx2mpc.runtime.Prg;
import onnx2mpc.runtime.ProtocolException;

/**
 * AES-128 in counter mode, keyed by a 16-byte seed, as an addressed stream of 64-bit words.
 *
 * <p>The initial counter block is {@code nonce (8 bytes) || component (4 bytes) || 0 (4 bytes)},
 * big-endian, and the JDK's CTR mode increments the whole block, so block {@code i} of stream
 * (nonce, component) is {@code AES_seed(nonce || component || i)}. Two holders of a seed thus
 * expand the same (nonce, component) to the same words whatever else they expand in between,
 * and distinct addresses never share a counter block as long as a stream stays below 2^32
 * blocks (64 GiB), which {@link #fill} enforces. Words are the keystream read little-endian.
 *
 * <p>Speed: the JDK intrinsifies AES-CTR with AES-NI; we encrypt {@value #CHUNK} bytes of zeros
 * per {@code Cipher.update} and copy them out through a little-endian {@code LongBuffer}
 * view, which on x86 is a plain memory copy.
 *
 * <p>Each thread keeps one initialized cipher per seed and re-initializes it at the stream's
 * position on every {@link #fill}: a new cipher per stream expanded the AES key schedule each
 * time (100 to 250 streams per ResNet-18 inference), and the JIT then spent 0.3 to 0.4 s of
 * compiler time per process on that key expansion in the measured repetitions. Re-initializing
 * a cipher with the key it already has keeps the schedule (the JDK compares the key).
 *
 * <p>Not thread-safe: one stream per user.
 */
public final class AesCtrPrg implements Prg {
  /** Seed length in bytes (AES-128 key). */
  public static final int SEED_BYTES = 16;

  /**
   * Bytes encrypted per {@code Cipher.update}. Small on purpose: the AES-CTR intrinsic only
   * runs once HotSpot has compiled the JDK's CTR loop, which needs many calls; with 4 KiB it is
   * hot after a few MB (measured: 64 KiB chunks stay near 300 MB/s for the first GB, 4 KiB
   * chunks reach 5 GB/s at once), and the per-call cost is still small next to 4 KiB of AES.
   */
  static final int CHUNK = 1 << 12;

  private static final byte[] ZEROS = new byte[CHUNK];
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[CHUNK]);
  private static final long MAX_BLOCKS = 1L << 32;
  private static final SecureRandom SEEDS = new SecureRandom();

  /** Per thread, an initialized AES-CTR cipher for each seed seen (a handful per session). */
  private static final ThreadLocal<Map<Seed, Cipher>> CIPHERS =
      ThreadLocal.withInitial(HashMap::new);
  /**
   * Ciphers a thread keeps at most: a session has one seed per peer and one with the dealer, but
   * a JVM that runs session after session (the tests) would otherwise keep every seed it saw.
   */
  private static final int MAX_KEPT_CIPHERS = 64;

  /** A seed's bytes as a map key (arrays compare by identity). */
  private record Seed(long hi, long lo) {
    static Seed of(byte[] seed) {
      ByteBuffer b = ByteBuffer.wrap(seed);
      return new Seed(b.getLong(), b.getLong());
    }
  }

  private final Seed seedKey;
  private final SecretKeySpec key;
  private final long nonce;
  private final int component;
  private long bytesUsed;

  /**
   * The stream at address (nonce, component) of {@code seed}.
   *
   * @param seed 16 bytes, from {@link #newSeed()} at one end and sent to the other
   */
  public AesCtrPrg(byte[] seed, long nonce, int component) {
    if (seed == null || seed.length != SEED_BYTES) {
      throw new IllegalArgumentException("seed: expected " + SEED_BYTES + " bytes, but found "
          + (seed == null ? "null" : seed.length + " bytes"));
    }
    this.seedKey = Seed.of(seed);
    this.key = new SecretKeySpec(seed, "AES");
    this.nonce = nonce;
    this.component = component;
  }

  /**
   * This thread's cipher for the seed, set to counter block {@code block} of this stream:
   * {@code nonce || component || block}, which is where the JDK's whole-block increment from
   * block 0 would be, since a stream stays below 2^32 blocks.
   */
  private Cipher cipherAt(long block) {
    byte[] iv = ByteBuffer.allocate(16).order(ByteOrder.BIG_ENDIAN)
        .putLong(nonce).putInt(component).putInt((int) block).array();
    try {
      Map<Seed, Cipher> kept = CIPHERS.get();
      Cipher c = kept.get(seedKey);
      if (c == null) {
        if (kept.size() >= MAX_KEPT_CIPHERS) {
          kept.clear();
        }
        c = Cipher.getInstance("AES/CTR/NoPadding");
        kept.put(seedKey, c);
      }
      c.init(Cipher.ENCRYPT_MODE, key, new IvParameterSpec(iv));
      return c;
    } catch (GeneralSecurityException e) {
      // Every Java SE platform must provide AES/CTR; failing here means a broken JDK.
      throw new IllegalStateException("AES/CTR/NoPadding is not available in this JDK", e);
    }
  }

  /** A fresh 16-byte seed from {@link SecureRandom}, the only source of seeds in onnx2mpc. */
  public static byte[] newSeed() {
    byte[] seed = new byte[SEED_BYTES];
    synchronized (SEEDS) {
      SEEDS.nextBytes(seed);
    }
    return seed;
  }

  @Override
  public void fill(long[] dst) {
    fill(dst, 0, dst.length);
  }

  /** Fills {@code dst[off .. off + len)} with the next {@code len} words of the stream. */
  public void fill(long[] dst, int off, int len) {
    if (off < 0 || len < 0 || off > dst.length - len) {
      throw new IndexOutOfBoundsException("fill(dst.length=" + dst.length + ", off=" + off
          + ", len=" + len + ")");
    }
    long bytes = 8L * len;
    if ((bytesUsed + bytes + 15) / 16 > MAX_BLOCKS) {
      throw new ProtocolException("AES-CTR stream exhausted: more than 2^32 blocks requested");
    }
    byte[] scratch = SCRATCH.get();
    Cipher cipher = cipherAt(bytesUsed / 16);
    try {
      if (bytesUsed % 16 != 0) {
        // The stream stopped mid-block (words are 8 bytes): skip that block's used half.
        cipher.update(ZEROS, 0, (int) (bytesUsed % 16), scratch, 0);
      }
      while (len > 0) {
        int words = Math.min(len, CHUNK / 8);
        int n = cipher.update(ZEROS, 0, 8 * words, scratch, 0);
        if (n != 8 * words) {
          throw new IllegalStateException("AES-CTR returned " + n + " bytes, expected " + 8 * words);
        }
        ByteBuffer.wrap(scratch, 0, n).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer()
            .get(dst, off, words);
        off += words;
        len -= words;
      }
    } catch (ShortBufferException e) {
      throw new IllegalStateException("scratch buffer too small for AES-CTR output", e);
    }
    bytesUsed += bytes;
  }
}
