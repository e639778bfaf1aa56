package onnx2mpc.runtime.ops;

import static onnx2mpc.runtime.ops.MpcTestKit.with;
import static onnx2mpc.runtime.ops.MpcTestKit.words;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Random;
import onnx2mpc.runtime.Ctx;
import onnx2mpc.runtime.Metrics;
import onnx2mpc.runtime.local.LocalNetwork;
import org.junit.jupiter.api.Test;

/** Data movement kernels against naive index loops; fill values at party 0 versus others. */
class DataMovementTest {
  private final Random rnd = new Random(3);
  private final LocalNetwork net = LocalNetwork.create(2);
  private final MpcTestKit.Data data = new MpcTestKit.Data();
  private final Ctx p0 = new Ctx(net.party(0), 64, data, new Metrics(1));
  private final Ctx p1 = new Ctx(net.party(1), 64, data, new Metrics(1));

  @Test
  void constantInputAndReshape() {
    long[] c = {1, 2, 3};
    data.constants.put(4, c);
    Data.constant(p0, new int[] {1, 4});
    Data.constant(p0, new int[] {2, 5});
    Data.reshape(p0, new int[] {3, 1});
    Data.input(p0, new int[] {5, 0});
    assertSame(c, p0.buf[1]);
    assertNull(p0.buf[2]);
    assertSame(c, p0.buf[3]);
    assertNull(p0.buf[5]);
  }

  @Test
  void transposeMatchesIndexLoop() {
    int a = 3;
    int b = 4;
    int c = 5;
    long[] x = words(rnd, a * b * c);
    p0.buf[1] = x;
    Data.transpose(p0, with(new int[] {2, 1}, new int[] {a, b, c}, new int[] {2, 0, 1}));
    long[] want = new long[x.length];
    for (int i = 0; i < a; i++) {
      for (int j = 0; j < b; j++) {
        for (int k = 0; k < c; k++) {
          want[(k * a + i) * b + j] = x[(i * b + j) * c + k];
        }
      }
    }
    assertArrayEquals(want, p0.buf[2]);
  }

  @Test
  void sliceWithStepsMatchesIndexLoop() {
    long[] x = words(rnd, 6 * 7);
    p0.buf[1] = x;
    // rows 1, 3, 5; columns 6, 4, 2, 0 (negative step)
    Data.slice(p0, with(new int[] {2, 1}, new int[] {6, 7}, new int[] {1, 6}, new int[] {2, -2},
        new int[] {3, 4}));
    long[] want = new long[12];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        want[i * 4 + j] = x[(1 + 2 * i) * 7 + 6 - 2 * j];
      }
    }
    assertArrayEquals(want, p0.buf[2]);
  }

  @Test
  void concatPutsBlocksSideBySide() {
    long[] x = words(rnd, 2 * 3);
    long[] y = words(rnd, 2 * 5);
    p0.buf[1] = x;
    p0.buf[2] = y;
    Data.concat(p0, with(new int[] {3, 2, 1, 2, 2}, new int[] {3, 5}));
    long[] want = new long[16];
    for (int o = 0; o < 2; o++) {
      System.arraycopy(x, o * 3, want, o * 8, 3);
      System.arraycopy(y, o * 5, want, o * 8 + 3, 5);
    }
    assertArrayEquals(want, p0.buf[3]);
    p0.buf[2] = null;
    Data.concat(p0, with(new int[] {3, 2, 1, 2, 2}, new int[] {3, 5}));
    assertNull(p0.buf[3]);
  }

  @Test
  void padFillsValueAtPartyZeroOnly() {
    long[] x = words(rnd, 2 * 3);
    long v = -5;
    int[] args = with(new int[] {2, 1}, new int[] {2, 3}, new int[] {1, 2}, new int[] {0, 1});
    args = java.util.Arrays.copyOf(args, args.length + 2);
    args[args.length - 2] = (int) (v >> 32);
    args[args.length - 1] = (int) v;
    p0.buf[1] = x;
    p1.buf[1] = x;
    Data.pad(p0, args);
    Data.pad(p1, args);
    long[] want0 = new long[3 * 6];
    long[] want1 = new long[3 * 6];
    java.util.Arrays.fill(want0, v);
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        want0[(i + 1) * 6 + j + 2] = x[i * 3 + j];
        want1[(i + 1) * 6 + j + 2] = x[i * 3 + j];
      }
    }
    assertArrayEquals(want0, p0.buf[2]);
    assertArrayEquals(want1, p1.buf[2]);
  }

  @Test
  void negativePadCrops() {
    long[] x = words(rnd, 4 * 5);
    p1.buf[1] = x;
    int[] args = with(new int[] {2, 1}, new int[] {4, 5}, new int[] {-1, 1}, new int[] {0, -2});
    args = java.util.Arrays.copyOf(args, args.length + 2); // value 0
    Data.pad(p1, args);
    long[] want = new long[3 * 4];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        want[i * 4 + j + 1] = x[(i + 1) * 5 + j];
      }
    }
    assertArrayEquals(want, p1.buf[2]);
  }

  @Test
  void expandBroadcastsSizeOneAxes() {
    long[] x = words(rnd, 3);
    p0.buf[1] = x;
    Data.expand(p0, with(new int[] {2, 1}, new int[] {1, 3, 1}, new int[] {2, 3, 4}));
    long[] want = new long[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          want[(i * 3 + j) * 4 + k] = x[j];
        }
      }
    }
    assertArrayEquals(want, p0.buf[2]);
  }

  @Test
  void windowMatchesIndexLoop() {
    int[] cv = MpcTestKit.conv(2, 3, 7, 6, 3, 3, 2, 2, 1, 1, 3);
    ConvDims d = ConvDims.of(cv);
    long[] x = words(rnd, d.inSize());
    long v = Long.MIN_VALUE / 4;
    int[] args = with(new int[] {2, 1}, cv);
    args = java.util.Arrays.copyOf(args, args.length + 2);
    args[args.length - 2] = (int) (v >> 32);
    args[args.length - 1] = (int) v;
    for (Ctx ctx : new Ctx[] {p0, p1}) {
      ctx.buf[1] = x;
      Data.window(ctx, args);
      long fill = ctx.party == 0 ? v : 0;
      int cols = d.n() * d.c() * d.oh() * d.ow();
      long[] want = new long[d.kh() * d.kw() * cols];
      for (int i = 0; i < d.kh(); i++) {
        for (int j = 0; j < d.kw(); j++) {
          for (int pl = 0; pl < d.n() * d.c(); pl++) {
            for (int oy = 0; oy < d.oh(); oy++) {
              for (int ox = 0; ox < d.ow(); ox++) {
                int iy = oy * d.strideH() - d.padTop() + i * d.dilationH();
                int ix = ox * d.strideW() - d.padLeft() + j * d.dilationW();
                boolean in = iy >= 0 && iy < d.h() && ix >= 0 && ix < d.w();
                want[(i * d.kw() + j) * cols + (pl * d.oh() + oy) * d.ow() + ox] =
                    in ? x[(pl * d.h() + iy) * d.w() + ix] : fill;
              }
            }
          }
        }
      }
      assertArrayEquals(want, ctx.buf[2], "party " + ctx.party);
    }
  }

  @Test
  void movementOfAbsentValuesIsAbsent() {
    p1.buf[1] = null;
    Data.transpose(p1, with(new int[] {2, 1}, new int[] {2, 3}, new int[] {1, 0}));
    Data.expand(p1, with(new int[] {3, 1}, new int[] {1, 3}, new int[] {2, 3}));
    Data.slice(p1, with(new int[] {4, 1}, new int[] {2, 3}, new int[] {0, 0}, new int[] {1, 1},
        new int[] {1, 1}));
    Arith.mulConst(p1, new int[] {5, 1, 0, 3});
    Linear.matmulAP(p1, with(new int[] {6, 1, 7}, new int[] {1, 2, 3, 1, 1, 0}));
    assertNull(p1.buf[2]);
    assertNull(p1.buf[3]);
    assertNull(p1.buf[4]);
    assertNull(p1.buf[5]);
    assertNull(p1.buf[6]);
  }
}
