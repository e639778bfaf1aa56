package onnx2mpc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import onnx2mpc.ir.Shape;
import onnx2mpc.ir.Tensor;
import onnx2mpc.passes.CompiledProgram;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;

/**
 * The inputs of {@code onnx2mpc bench}: {@code --input NAME=FILE.npy}, {@code --input
 * NAME=random} or {@code --input random} (every input not named otherwise). Random inputs are
 * standard normal samples, one seeded {@link SplittableRandom} stream per input in the
 * program's input order, in the input's shape (rounded to integers for integer inputs), and
 * written as float64 {@code .npy} so that the parties and the plaintext reference read the
 * very same numbers.
 */
final class BenchInputs {
  /** What {@code --input} may say instead of a file. */
  static final String RANDOM = "random";

  /** The file of each input, and the same data as tensors for the plaintext interpreter. */
  record Prepared(Map<String, Path> files, Map<String, Tensor> tensors) {}

  private BenchInputs() {}

  /**
   * Resolves {@code specs} against the program's inputs, writing random ones into {@code dir}.
   * An input that no spec names is random.
   *
   * @throws Main.UserError naming the spec that is malformed or names no input of the model
   */
  static Prepared prepare(CompiledProgram p, List<String> specs, long seed, Path dir)
      throws IOException {
    Map<String, String> byName = parse(p, specs);
    Map<String, Path> files = new LinkedHashMap<>();
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    SplittableRandom root = new SplittableRandom(seed);
    for (CompiledProgram.InputSpec in : p.inputs()) {
      // Split for every input, random or not, so an input's samples do not depend on others.
      SplittableRandom rnd = root.split();
      String spec = byName.getOrDefault(in.name(), RANDOM);
      Path f;
      if (spec.equals(RANDOM)) {
        f = dir.resolve("input-" + in.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".npy");
        Npy.write(f, NpyArray.ofDoubles(in.shape().dims(), gaussian(rnd, in.shape().size(),
            in.real())));
      } else {
        f = Path.of(spec);
        if (!Files.isRegularFile(f)) {
          throw new Main.UserError("--input " + in.name() + ": no such file " + f,
              Main.EXIT_USAGE);
        }
      }
      files.put(in.name(), f);
      double[] data = Npy.read(f).doubles();
      if (data.length != in.shape().size()) {
        throw new Main.UserError("--input " + in.name() + ": expected " + in.shape().size()
            + " elements for shape " + in.shape() + ", but found " + data.length + " in " + f,
            Main.EXIT_USAGE);
      }
      tensors.put(in.name(), Tensor.reals(Shape.of(in.shape().dims()), data));
    }
    return new Prepared(files, tensors);
  }

  /** {@code NAME=FILE|random} and {@code random} by input name; the bare form as "*". */
  static Map<String, String> parse(CompiledProgram p, List<String> specs) {
    List<String> names = p.inputs().stream().map(CompiledProgram.InputSpec::name).toList();
    Map<String, String> byName = new LinkedHashMap<>();
    String rest = null;
    for (String s : specs) {
      int eq = s.indexOf('=');
      if (eq < 0) {
        if (!s.equals(RANDOM)) {
          throw new Main.UserError("--input: expected NAME=FILE.npy, NAME=random or random,"
              + " but found '" + s + "'", Main.EXIT_USAGE);
        }
        rest = RANDOM;
        continue;
      }
      String name = s.substring(0, eq);
      if (!names.contains(name)) {
        throw new Main.UserError("--input: expected an input of the model (" + String.join(
            ", ", names) + "), but found '" + name + "'", Main.EXIT_USAGE);
      }
      byName.put(name, s.substring(eq + 1));
    }
    if (rest != null) {
      for (String n : names) {
        byName.putIfAbsent(n, rest);
      }
    }
    return byName;
  }

  /** n samples of N(0, 1), rounded when the input holds integers. */
  static double[] gaussian(SplittableRandom rnd, int n, boolean real) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      double g = rnd.nextGaussian();
      v[i] = real ? g : Math.rint(g);
    }
    return v;
  }
}
