package onnx2mpc.runtime.prg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AesCtrPrgTest {
  private static final byte[] SEED = new byte[16];

  static {
    for (int i = 0; i < 16; i++) {
      SEED[i] = (byte) (i * 17 + 3);
    }
  }

  @Test
  void sameSeedAndAddressGiveSameStream() {
    long[] a = new AesCtrPrg(SEED, 42, 3).next(100_000);
    long[] b = new AesCtrPrg(SEED.clone(), 42, 3).next(100_000);
    assertArrayEquals(a, b);
  }

  @Test
  void streamIsIndependentOfHowItIsRead() {
    long[] whole = new AesCtrPrg(SEED, 7, 0).next(20_001);
    AesCtrPrg p = new AesCtrPrg(SEED, 7, 0);
    long[] pieces = new long[20_001];
    // Odd piece sizes leave the cipher mid-block between calls.
    int[] sizes = {1, 3, 8193, 5, 11_799};
    int off = 0;
    for (int s : sizes) {
      p.fill(pieces, off, s);
      off += s;
    }
    assertEquals(20_001, off);
    assertArrayEquals(whole, pieces);
  }

  /** Streams of one seed share this thread's cipher; reading them in turns must not mix them. */
  @Test
  void interleavedStreamsOfOneSeedStayApart() throws Exception {
    long[] a = new AesCtrPrg(SEED, 5, 0).next(9_001);
    long[] b = new AesCtrPrg(SEED, 5, 1).next(9_001);
    long[] c = new AesCtrPrg(AesCtrPrg.newSeed(), 5, 0).next(10);
    AesCtrPrg pa = new AesCtrPrg(SEED, 5, 0);
    AesCtrPrg pb = new AesCtrPrg(SEED, 5, 1);
    long[] ra = new long[9_001];
    long[] rb = new long[9_001];
    int[] sizes = {3, 1, 4_000, 997, 4_000};
    int off = 0;
    for (int s : sizes) {
      pa.fill(ra, off, s);
      new AesCtrPrg(AesCtrPrg.newSeed(), 5, 0).next(3); // another seed in between
      pb.fill(rb, off, s);
      off += s;
    }
    assertArrayEquals(a, ra);
    assertArrayEquals(b, rb);
    // The same stream continued on another thread (its own cipher) goes on where it stopped.
    AesCtrPrg half = new AesCtrPrg(SEED, 5, 0);
    long[] both = new long[9_001];
    half.fill(both, 0, 4_501);
    Thread t = new Thread(() -> half.fill(both, 4_501, 4_500));
    t.start();
    t.join();
    assertArrayEquals(a, both);
    assertFalse(Arrays.equals(Arrays.copyOf(a, 10), c));
  }

  /** A thread keeps a bounded number of ciphers; a stream whose cipher was dropped goes on. */
  @Test
  void manySeedsOnOneThreadKeepEveryStreamIntact() {
    long[] expected = new AesCtrPrg(SEED, 11, 2).next(1_001);
    AesCtrPrg p = new AesCtrPrg(SEED, 11, 2);
    long[] got = new long[1_001];
    p.fill(got, 0, 501);
    for (int i = 0; i < 200; i++) {
      new AesCtrPrg(AesCtrPrg.newSeed(), 11, 2).next(2);
    }
    p.fill(got, 501, 500);
    assertArrayEquals(expected, got);
  }

  @Test
  void differentAddressesOrSeedsDiffer() {
    long[] base = new AesCtrPrg(SEED, 1, 0).next(64);
    assertFalse(Arrays.equals(base, new AesCtrPrg(SEED, 2, 0).next(64)));
    assertFalse(Arrays.equals(base, new AesCtrPrg(SEED, 1, 1).next(64)));
    assertFalse(Arrays.equals(base, new AesCtrPrg(AesCtrPrg.newSeed(), 1, 0).next(64)));
  }

  @Test
  void blockIsAesOfNonceComponentCounter() throws Exception {
    long nonce = 0x0123456789abcdefL;
    int component = 9;
    long[] words = new AesCtrPrg(SEED, nonce, component).next(6);
    Cipher ecb = Cipher.getInstance("AES/ECB/NoPadding");
    ecb.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(SEED, "AES"));
    for (int block = 0; block < 3; block++) {
      byte[] ctr = ByteBuffer.allocate(16).putLong(nonce).putInt(component).putInt(block).array();
      ByteBuffer ks = ByteBuffer.wrap(ecb.doFinal(ctr)).order(ByteOrder.LITTLE_ENDIAN);
      assertEquals(ks.getLong(0), words[2 * block]);
      assertEquals(ks.getLong(8), words[2 * block + 1]);
    }
  }

  @Test
  void seedsAreFreshAndChecked() {
    assertFalse(Arrays.equals(AesCtrPrg.newSeed(), AesCtrPrg.newSeed()));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AesCtrPrg(new byte[8], 0, 0));
    assertEquals("seed: expected 16 bytes, but found 8 bytes", e.getMessage());
  }

  @Test
  void throughput() {
    long[] buf = new long[1 << 20]; // 8 MiB
    AesCtrPrg p = new AesCtrPrg(SEED, 0, 0);
    for (int i = 0; i < 5; i++) {
      p.fill(buf); // warm up the AES-CTR intrinsic
    }
    int reps = 20;
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) {
      p.fill(buf);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    double mbps = reps * 8.0 * buf.length / secs / 1e6;
    System.out.printf("AesCtrPrg throughput: %.0f MB/s%n", mbps);
    // A loose floor only: CI machines vary; the expectation on AES-NI hardware is > 500 MB/s.
    assertTrue(mbps > 100, "throughput " + mbps + " MB/s");
  }
}
