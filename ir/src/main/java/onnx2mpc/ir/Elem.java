package onnx2mpc.ir;

/**
 * What the ring elements of a value mean. FIXED values carry their scale (fractional bits) in
 * {@link Type#scale()}; INT values are plain ring integers; BIT values are single bits, stored
 * packed 64 to a word (see {@link Type#words()}).
 */
public enum Elem {
  FIXED,
  INT,
  BIT
}
