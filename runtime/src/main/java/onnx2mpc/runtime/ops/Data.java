package onnx2mpc.runtime.ops;

import java.util.Arrays;
import onnx2mpc.runtime.Ctx;

/**
 * Data entering the program, and data movement on whatever this party holds for a value (a
 * share, a public tensor, or its own private tensor). Movement is linear, so it commutes with
 * additive and XOR sharing. A slot this party holds nothing for (another party's private value)
 * is null, and so is every value moved from it. Results are fresh arrays except for
 * {@link #reshape}, which aliases (values are SSA, nobody writes to an operand).
 */
public final class Data {
  private Data() {}

  /** mpc.const [out, id]: constant #id; null where this party does not have it. */
  public static void constant(Ctx ctx, int[] args) {
    ctx.buf[args[0]] = ctx.data().constant(args[1]);
  }

  /** mpc.input [out, id]: graph input #id, ring-encoded; null where this party does not own it. */
  public static void input(Ctx ctx, int[] args) {
    ctx.buf[args[0]] = ctx.data().input(args[1]);
  }

  /** mpc.reshape [out, in]: the same words under a new shape. */
  public static void reshape(Ctx ctx, int[] args) {
    ctx.buf[args[0]] = ctx.buf[args[1]];
  }

  /** mpc.transpose [out, in, dims, perm]: out axis i is input axis perm[i]. */
  public static void transpose(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    Args a = new Args(args, 2);
    int[] dims = a.nextInts();
    int[] perm = a.nextInts();
    if (in == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    checkSize("transpose", in, dims);
    if (perm.length != dims.length) {
      throw new IllegalArgumentException("transpose: expected perm of rank " + dims.length
          + ", but found " + Arrays.toString(perm));
    }
    int[] stride = strides(dims);
    int[] od = new int[dims.length];
    int[] st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      od[i] = dims[perm[i]];
      st[i] = stride[perm[i]];
    }
    ctx.buf[args[0]] = gather(in, 0, od, st);
  }

  /**
   * mpc.slice [out, in, dims, starts, steps, outDims]: out[i] = in[starts + i * steps] on every
   * axis (steps may be negative).
   */
  public static void slice(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    Args a = new Args(args, 2);
    int[] dims = a.nextInts();
    int[] starts = a.nextInts();
    int[] steps = a.nextInts();
    int[] od = a.nextInts();
    if (in == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    checkSize("slice", in, dims);
    int[] stride = strides(dims);
    int base = 0;
    int[] st = new int[dims.length];
    for (int i = 0; i < dims.length; i++) {
      int last = starts[i] + (od[i] - 1) * steps[i];
      if (od[i] > 0 && (starts[i] < 0 || starts[i] >= dims[i] || last < 0 || last >= dims[i])) {
        throw new IllegalArgumentException("slice: expected indices within [0, " + dims[i]
            + ") on axis " + i + ", but found start " + starts[i] + " and last " + last);
      }
      base += starts[i] * stride[i];
      st[i] = steps[i] * stride[i];
    }
    ctx.buf[args[0]] = gather(in, base, od, st);
  }

  /**
   * mpc.concat [out, count, in_1 .. in_count, outer, inners]: each operand is [outer, inner_i];
   * the result is [outer, sum inner_i], operands side by side.
   */
  public static void concat(Ctx ctx, int[] args) {
    int count = args[1];
    Args a = new Args(args, 2 + count);
    int outer = a.next();
    int[] inners = a.nextInts();
    if (inners.length != count) {
      throw new IllegalArgumentException("concat: expected " + count + " inners, but found "
          + inners.length);
    }
    int total = 0;
    for (int i = 0; i < count; i++) {
      long[] in = ctx.buf[args[2 + i]];
      if (in == null) {
        ctx.buf[args[0]] = null;
        return;
      }
      if (in.length != outer * inners[i]) {
        throw new IllegalArgumentException("concat: expected operand " + i + " of "
            + outer * inners[i] + " words, but found " + in.length);
      }
      total += inners[i];
    }
    long[] out = new long[outer * total];
    int off = 0;
    for (int i = 0; i < count; i++) {
      long[] in = ctx.buf[args[2 + i]];
      int inner = inners[i];
      for (int o = 0; o < outer; o++) {
        System.arraycopy(in, o * inner, out, o * total + off, inner);
      }
      off += inner;
    }
    ctx.buf[args[0]] = out;
  }

  /**
   * mpc.pad [out, in, dims, begin, end, value]: out dims = dims + begin + end; positions outside
   * the input hold 'value' at party 0 and 0 elsewhere (a sharing of 'value'). Negative pads crop.
   */
  public static void pad(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    Args a = new Args(args, 2);
    int[] dims = a.nextInts();
    int[] begin = a.nextInts();
    int[] end = a.nextInts();
    long value = a.nextLong();
    if (in == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    checkSize("pad", in, dims);
    int r = dims.length;
    int[] od = new int[r];
    for (int i = 0; i < r; i++) {
      od[i] = dims[i] + begin[i] + end[i];
    }
    long[] out = new long[product(od)];
    if (ctx.party == 0 && value != 0) {
      Arrays.fill(out, value);
    }
    if (r == 0 || in.length == 0) {
      if (r == 0) {
        out[0] = in[0];
      }
      ctx.buf[args[0]] = out;
      return;
    }
    int[] ost = strides(od);
    int len = dims[r - 1];
    int lo = Math.max(0, -begin[r - 1]);
    int hi = Math.min(len, od[r - 1] - begin[r - 1]);
    int[] idx = new int[r - 1];
    for (int src = 0; src < in.length; src += len) {
      int dst = 0;
      boolean inside = true;
      for (int i = 0; i < r - 1; i++) {
        int o = idx[i] + begin[i];
        inside &= o >= 0 && o < od[i];
        dst += o * ost[i];
      }
      if (inside && hi > lo) {
        System.arraycopy(in, src + lo, out, dst + begin[r - 1] + lo, hi - lo);
      }
      for (int i = r - 2; i >= 0 && ++idx[i] == dims[i]; i--) {
        idx[i] = 0;
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** mpc.expand [out, in, inDims, outDims]: numpy broadcast; an axis of size 1 repeats. */
  public static void expand(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    Args a = new Args(args, 2);
    int[] id = a.nextInts();
    int[] od = a.nextInts();
    if (in == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    checkSize("expand", in, id);
    if (id.length != od.length) {
      throw new IllegalArgumentException("expand: expected outDims of rank " + id.length
          + ", but found " + Arrays.toString(od));
    }
    int[] stride = strides(id);
    int[] st = new int[id.length];
    for (int i = 0; i < id.length; i++) {
      if (id[i] != od[i] && id[i] != 1) {
        throw new IllegalArgumentException("expand: expected axis " + i + " of size 1 or "
            + od[i] + ", but found " + id[i]);
      }
      st[i] = id[i] == od[i] ? stride[i] : 0;
    }
    ctx.buf[args[0]] = gather(in, 0, od, st);
  }

  /**
   * mpc.window [out, in, conv, value]: pooling windows of [N, C, H, W] as [KH*KW, N*C*OH*OW];
   * row (i, j) holds x[n, c, oy sh - pt + i dh, ox sw - pl + j dw], or 'value' (party 0; 0
   * elsewhere) outside the input.
   */
  public static void window(Ctx ctx, int[] args) {
    long[] in = ctx.buf[args[1]];
    Args a = new Args(args, 2);
    ConvDims d = ConvDims.of(a.nextInts());
    long value = a.nextLong();
    if (in == null) {
      ctx.buf[args[0]] = null;
      return;
    }
    int planes = d.n() * d.c();
    if (in.length != planes * d.h() * d.w()) {
      throw new IllegalArgumentException("window: expected input of " + planes * d.h() * d.w()
          + " words, but found " + in.length);
    }
    long fill = ctx.party == 0 ? value : 0;
    int p = d.oh() * d.ow();
    int cols = planes * p;
    long[] out = new long[d.kh() * d.kw() * cols];
    for (int i = 0; i < d.kh(); i++) {
      for (int j = 0; j < d.kw(); j++) {
        int row = (i * d.kw() + j) * cols;
        int off = j * d.dilationW() - d.padLeft();
        int lo = d.owLo(off);
        int hi = Math.max(lo, d.owHi(off));
        for (int pl = 0; pl < planes; pl++) {
          for (int oy = 0; oy < d.oh(); oy++) {
            int dst = row + pl * p + oy * d.ow();
            int iy = oy * d.strideH() - d.padTop() + i * d.dilationH();
            if (iy < 0 || iy >= d.h()) {
              Arrays.fill(out, dst, dst + d.ow(), fill);
              continue;
            }
            Arrays.fill(out, dst, dst + lo, fill);
            Arrays.fill(out, dst + hi, dst + d.ow(), fill);
            int src = (pl * d.h() + iy) * d.w() + off;
            for (int ox = lo; ox < hi; ox++) {
              out[dst + ox] = in[src + ox * d.strideW()];
            }
          }
        }
      }
    }
    ctx.buf[args[0]] = out;
  }

  /** out[i] = in[base + sum_a i_a st_a] over the row-major index i of shape od. */
  static long[] gather(long[] in, int base, int[] od, int[] st) {
    int r = od.length;
    long[] out = new long[product(od)];
    if (out.length == 0) {
      return out;
    }
    if (r == 0) {
      out[0] = in[base];
      return out;
    }
    int len = od[r - 1];
    int s = st[r - 1];
    int[] idx = new int[r - 1];
    int src = base;
    for (int o = 0; o < out.length; o += len) {
      if (s == 1) {
        System.arraycopy(in, src, out, o, len);
      } else {
        for (int j = 0; j < len; j++) {
          out[o + j] = in[src + j * s];
        }
      }
      for (int i = r - 2; i >= 0; i--) {
        src += st[i];
        if (++idx[i] < od[i]) {
          break;
        }
        src -= st[i] * od[i];
        idx[i] = 0;
      }
    }
    return out;
  }

  static int[] strides(int[] dims) {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  static int product(int[] dims) {
    int p = 1;
    for (int d : dims) {
      p *= d;
    }
    return p;
  }

  private static void checkSize(String op, long[] in, int[] dims) {
    if (in.length != product(dims)) {
      throw new IllegalArgumentException(op + ": expected " + product(dims) + " words for dims "
          + Arrays.toString(dims) + ", but found " + in.length);
    }
  }
}
