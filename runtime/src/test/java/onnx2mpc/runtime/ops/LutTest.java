package onnx2mpc.runtime.ops;

import static onnx2mpc.runtime.ops.MpcTestKit.addShares;
import static onnx2mpc.runtime.ops.MpcTestKit.reveal;
import static onnx2mpc.runtime.ops.MpcTestKit.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Table lookups by the dealer's one-hot code, against plaintext: the opened c is v - lo + r,
 * the revealed code has a single 1 per element, at r mod 2^bits, and the lookup of every v in
 * the window is T(v); outside the window it is T at v modulo the window's length.
 */
class LutTest {
  private static final int BITS = 5;
  private static final int SIZE = 1 << BITS;
  private static final int LO = -16;

  @PartyCounts
  void lookupMatchesTheTableForEveryValueOfTheWindow(int n) {
    Random rnd = new Random(7 + n);
    int count = 150;
    long[] v = new long[count];
    for (int e = 0; e < count; e++) {
      // The whole window twice, then values outside it (they alias) and random ones.
      v[e] = e < 2 * SIZE ? LO + e % SIZE : e < 2 * SIZE + 8 ? LO - 1 - e : rnd.nextInt(200) - 100;
    }
    long[] table = new long[SIZE];
    for (int i = 0; i < SIZE; i++) {
      table[i] = i % 3 == 0 ? rnd.nextLong() : i % 3 == 1 ? -(1L << 40) + i : 1L << i;
    }
    int[] tableArgs = new int[1 + 2 * SIZE];
    tableArgs[0] = 2 * SIZE;
    for (int i = 0; i < SIZE; i++) {
      tableArgs[1 + 2 * i] = (int) (table[i] >>> 32);
      tableArgs[2 + 2 * i] = (int) table[i];
    }
    long[][] vs = addShares(rnd, v, n);
    int[] dealerArgs = {10, 11, 9, count, BITS};
    int[] lutArgs = new int[5 + tableArgs.length];
    lutArgs[0] = 6;
    lutArgs[1] = 5;
    lutArgs[2] = 11;
    lutArgs[3] = count;
    lutArgs[4] = BITS;
    System.arraycopy(tableArgs, 0, lutArgs, 5, tableArgs.length);
    List<long[][]> res = run(n, ctx -> {
      ctx.buf[1] = vs[ctx.party];
      Dealer.onehot(ctx, dealerArgs);
      Arith.addConst(ctx, new int[] {2, 1, 0, -LO});
      Arith.addAA(ctx, new int[] {4, 2, 10});
      Comm.open(ctx, new int[] {5, 4});
      ctx.exchange(0);
      Lut.apply(ctx, lutArgs);
      return new long[][] {ctx.buf[5], reveal(ctx, 10, 1), reveal(ctx, 11, 2),
          reveal(ctx, 6, 3)};
    }, s -> DealerSide.onehot(s, dealerArgs));
    long[] c = res.get(0)[0];
    long[] r = res.get(0)[1];
    long[] code = res.get(0)[2];
    long[] looked = res.get(0)[3];
    for (int e = 0; e < count; e++) {
      assertEquals(v[e] - LO + r[e], c[e], "opened c of element " + e);
      for (int u = 0; u < SIZE; u++) {
        assertEquals(u == (int) (r[e] & (SIZE - 1)) ? 1 : 0, code[u * count + e],
            "code row " + u + " of element " + e);
      }
      assertEquals(table[(int) ((v[e] - LO) & (SIZE - 1))], looked[e],
          "lookup of element " + e + " (v = " + v[e] + ")");
    }
  }

  @Test
  void mismatchedSizesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Lut.apply(new long[3], new long[SIZE * 2], 3, BITS, new long[SIZE]));
    assertEquals("lut: expected 3 opened words, a one-hot code of 32 x 3 words and 32 table"
        + " entries, but found 3, 64 and 32", e.getMessage());
  }
}
