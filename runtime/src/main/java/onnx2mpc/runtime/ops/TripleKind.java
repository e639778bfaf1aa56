package onnx2mpc.runtime.ops;

/**
 * The bilinear map of a dealer triple (the {@code kind} attribute of mpc.dealer.triple):
 * 0 = elementwise product over dims = [n], 1 = matmul over dims = mm layout, 2 = conv over
 * dims = conv layout, 3 = Winograd F(2x2, 3x3) conv over dims = conv layout, b being the
 * filters in the transformed domain [16, o, c] ({@link Winograd}). Gives the sizes of a, b, c and computes c = a * b at the dealer.
 */
final class TripleKind {
  private TripleKind() {}

  /** Words of a, b and c. */
  static int[] sizes(int kind, int[] dims) {
    return switch (kind) {
      case 0 -> {
        if (dims.length != 1) {
          throw new IllegalArgumentException("triple: expected dims [n] for kind 0, but found "
              + java.util.Arrays.toString(dims));
        }
        yield new int[] {dims[0], dims[0], dims[0]};
      }
      case 1 -> {
        MmDims mm = MmDims.of(dims);
        yield new int[] {mm.aSize(), mm.bSize(), mm.cSize()};
      }
      case 2 -> {
        ConvDims d = ConvDims.of(dims).checkConv();
        yield new int[] {d.inSize(), d.weightSize(), d.outSize()};
      }
      case 3 -> {
        ConvDims d = ConvDims.of(dims).checkConv();
        yield new int[] {d.inSize(), 16 * d.o() * d.c(), d.outSize()};
      }
      default -> throw new IllegalArgumentException("triple: expected kind 0 (mul), 1 (matmul),"
          + " 2 (conv) or 3 (Winograd conv), but found " + kind);
    };
  }

  /** c = a * b under the kind's bilinear map. */
  static long[] product(int kind, int[] dims, long[] a, long[] b) {
    return switch (kind) {
      case 0 -> {
        long[] c = new long[a.length];
        for (int i = 0; i < c.length; i++) {
          c[i] = a[i] * b[i];
        }
        yield c;
      }
      case 1 -> MmDims.of(dims).mul(a, b);
      case 2 -> ConvKernels.conv(ConvDims.of(dims), a, b);
      case 3 -> Winograd.conv(ConvDims.of(dims), a, b);
      default -> throw new IllegalArgumentException("triple: expected kind 0, 1, 2 or 3, but"
          + " found " + kind);
    };
  }
}
