package onnx2mpc.runtime.ops;

/**
 * The {@code conv} attribute of the mpc dialect: input [n, c, h, w], weight [o, c/group, kh,
 * kw], output [n, o, oh, ow], with strides, top/left padding and dilations. Pooling windows use
 * the same layout (o and group then unused).
 */
public record ConvDims(int n, int c, int h, int w, int o, int kh, int kw, int oh, int ow,
    int strideH, int strideW, int padTop, int padLeft, int dilationH, int dilationW, int group) {

  /** Parses the 16 ints of a {@code conv} attribute. */
  public static ConvDims of(int[] v) {
    if (v.length != 16) {
      throw new IllegalArgumentException("conv: expected 16 ints, but found " + v.length);
    }
    return new ConvDims(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
        v[12], v[13], v[14], v[15]);
  }

  /** Checks the fields a convolution needs (pooling windows need fewer). */
  public ConvDims checkConv() {
    if (group <= 0 || c % group != 0 || o % group != 0) {
      throw new IllegalArgumentException("conv: expected group dividing c=" + c + " and o=" + o
          + ", but found group=" + group);
    }
    return this;
  }

  public int inSize() {
    return n * c * h * w;
  }

  public int weightSize() {
    return o * (c / group) * kh * kw;
  }

  public int outSize() {
    return n * o * oh * ow;
  }

  /** Input channels per group. */
  public int cg() {
    return c / group;
  }

  /** Output channels per group. */
  public int og() {
    return o / group;
  }

  /** First output column whose input column ow * strideW + off is >= 0. */
  int owLo(int off) {
    return off >= 0 ? 0 : (-off + strideW - 1) / strideW;
  }

  /** One past the last output column whose input column ow * strideW + off is < w. */
  int owHi(int off) {
    int last = w - 1 - off;
    return last < 0 ? 0 : Math.min(ow, last / strideW + 1);
  }

  /** Multiply-adds of one convolution. */
  public long macs() {
    return (long) outSize() * cg() * kh * kw;
  }
}
