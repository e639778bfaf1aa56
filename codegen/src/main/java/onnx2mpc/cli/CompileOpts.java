package onnx2mpc.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import onnx2mpc.ir.Graph;
import onnx2mpc.ir.Value;
import onnx2mpc.passes.CompileOptions;
import picocli.CommandLine.Option;

/** The compile options every subcommand takes (picocli mixin). */
public final class CompileOpts {
  @Option(names = "--parties", paramLabel = "N", defaultValue = "2",
      description = "Number of computing parties (default: ${DEFAULT-VALUE}).")
  int parties;

  @Option(names = "--owner", paramLabel = "INPUT=PARTY",
      description = "Party that owns a graph input (repeatable; default: party 1).")
  Map<String, Integer> owners = new LinkedHashMap<>();

  @Option(names = "--weights", paramLabel = "PARTY|public", defaultValue = "0",
      description = "Party that owns the weights, or 'public' (default: ${DEFAULT-VALUE}).")
  String weights;

  @Option(names = "--public-weights",
      description = "Same as --weights public.")
  boolean publicWeights;

  @Option(names = "--output-to", paramLabel = "P", split = ",",
      description = "Parties that learn the output, comma-separated (default: the owners"
          + " of the inputs).")
  List<Integer> outputTo = new ArrayList<>();

  @Option(names = "--precision", paramLabel = "BITS",
      defaultValue = "" + CompileOptions.DEFAULT_PRECISION,
      description = "Fractional bits of the fixed-point encoding (default: ${DEFAULT-VALUE}).")
  int precision;

  @Option(names = "--truncation", paramLabel = "local|exact", defaultValue = "local",
      description = "How 2 parties truncate fixed-point products: local (no communication;"
          + " an element is wrong by about 2^(64 - precision) with probability about |x| / 2^64)"
          + " or exact (through the dealer: one round per truncation). 3 or more parties always"
          + " use exact (default: ${DEFAULT-VALUE}).")
  String truncation;

  @Option(names = "--input-shape", paramLabel = "INPUT=D,D,...",
      description = "Concrete shape for an input with symbolic dimensions, e.g."
          + " input=1,3,224,224 (repeatable).")
  Map<String, String> inputShapes = new LinkedHashMap<>();

  @Option(names = "--debug", description = "Print stack traces of errors.")
  boolean debug;

  /** {@code --input-shape} parsed. */
  Map<String, int[]> shapes() {
    Map<String, int[]> m = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : inputShapes.entrySet()) {
      try {
        m.put(e.getKey(), java.util.Arrays.stream(e.getValue().split(","))
            .mapToInt(d -> Integer.parseInt(d.trim())).toArray());
      } catch (NumberFormatException ex) {
        throw new Main.UserError("--input-shape: expected " + e.getKey()
            + "=D,D,... with integer dimensions, but found '" + e.getValue() + "'",
            Main.EXIT_USAGE);
      }
    }
    return m;
  }

  /**
   * The options for {@code model}, checked against it: every {@code --owner} must name one of
   * its inputs.
   */
  CompileOptions toOptions(Graph model) {
    List<String> names = new ArrayList<>();
    for (Value in : model.inputs()) {
      names.add(in.name());
    }
    for (String input : owners.keySet()) {
      if (!names.contains(input)) {
        throw new Main.UserError("--owner: expected an input of the model (" + String.join(
            ", ", names) + "), but found '" + input + "'", Main.EXIT_USAGE);
      }
    }
    return toOptions();
  }

  /** The options, without checking input names. */
  CompileOptions toOptions() {
    int w = weightsOwner();
    int mask = 0;
    for (int p : outputTo) {
      if (p < 0 || p >= parties) {
        throw new Main.UserError("--output-to: expected parties 0.." + (parties - 1)
            + ", but found " + p, Main.EXIT_USAGE);
      }
      mask |= 1 << p;
    }
    try {
      return new CompileOptions(parties, owners, w, mask, precision, exactTruncation());
    } catch (IllegalArgumentException e) {
      throw new Main.UserError(e.getMessage(), Main.EXIT_USAGE);
    }
  }

  private boolean exactTruncation() {
    switch (truncation) {
      case "local":
        return false;
      case "exact":
        return true;
      default:
        throw new Main.UserError("--truncation: expected local or exact, but found '"
            + truncation + "'", Main.EXIT_USAGE);
    }
  }

  private int weightsOwner() {
    if (publicWeights || weights.equalsIgnoreCase("public")) {
      return -1;
    }
    try {
      return Integer.parseInt(weights.trim());
    } catch (NumberFormatException e) {
      throw new Main.UserError("--weights: expected a party number or 'public', but found '"
          + weights + "'", Main.EXIT_USAGE);
    }
  }

  /** The owner of each input under these options (defaults applied). */
  Map<String, Integer> ownersOf(Graph model) {
    CompileOptions o = toOptions();
    Map<String, Integer> m = new LinkedHashMap<>();
    for (Value in : model.inputs()) {
      m.put(in.name(), o.ownerOf(in.name()));
    }
    return m;
  }
}
