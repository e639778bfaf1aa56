package onnx2mpc.passes;

import java.util.Map;

/**
 * What the user chose at compile time.
 *
 * @param parties number of computing parties (2 or more)
 * @param inputOwners graph input name to owning party; inputs not listed belong to party 1
 * @param weightsOwner party that owns the initializers, or -1 when they are public
 * @param outputToMask bitmask of the parties that learn the outputs; 0 = the inputs' owners
 * @param precision fractional bits of the fixed-point encoding
 * @param exactTruncation with 2 parties, truncate through the dealer (one round and one
 *     opening per truncation, never wrong) instead of locally (SecureML: no communication, but
 *     an element is wrong by about 2^(64 - f) with probability about |x| / 2^64); with 3 or more
 *     parties truncation always goes through the dealer
 */
public record CompileOptions(int parties, Map<String, Integer> inputOwners, int weightsOwner,
    int outputToMask, int precision, boolean exactTruncation) {
  public static final int DEFAULT_PRECISION = 16;

  public CompileOptions {
    if (parties < 2) {
      throw new IllegalArgumentException("parties must be at least 2, but found " + parties);
    }
    if (parties > 30) {
      throw new IllegalArgumentException("parties must be at most 30, but found " + parties);
    }
    if (weightsOwner < -1 || weightsOwner >= parties) {
      throw new IllegalArgumentException("weights owner must be public or a party 0.."
          + (parties - 1) + ", but found " + weightsOwner);
    }
    if (precision < 4 || precision > 24) {
      throw new IllegalArgumentException("precision must be 4..24 bits, but found " + precision);
    }
    if (outputToMask < 0 || outputToMask >= (1 << parties)) {
      throw new IllegalArgumentException("output-to names a party outside 0.." + (parties - 1));
    }
    inputOwners = Map.copyOf(inputOwners);
    for (Map.Entry<String, Integer> e : inputOwners.entrySet()) {
      if (e.getValue() < 0 || e.getValue() >= parties) {
        throw new IllegalArgumentException("input '" + e.getKey() + "' is given to party "
            + e.getValue() + ", but parties are 0.." + (parties - 1));
      }
    }
  }

  /** Options with the default truncation (local for 2 parties). */
  public CompileOptions(int parties, Map<String, Integer> inputOwners, int weightsOwner,
      int outputToMask, int precision) {
    this(parties, inputOwners, weightsOwner, outputToMask, precision, false);
  }

  public static CompileOptions defaults() {
    return new CompileOptions(2, Map.of(), 0, 0, DEFAULT_PRECISION);
  }

  public int ownerOf(String input) {
    return inputOwners.getOrDefault(input, 1);
  }
}
