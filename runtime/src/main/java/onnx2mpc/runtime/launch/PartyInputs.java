package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;
import onnx2mpc.runtime.io.FixedPoint;
import onnx2mpc.runtime.io.Npy;
import onnx2mpc.runtime.io.NpyArray;

/** A party's input files in, its output files out, checked against the program. */
final class PartyInputs {
  private PartyInputs() {}

  /**
   * Parses {@code --input NAME=FILE} values, checks them against the inputs this party owns,
   * and reads and encodes every file. All problems are reported at once.
   *
   * @return ring-encoded inputs by input id
   */
  static Map<Integer, long[]> read(ProgramInfo info, List<String> specs) {
    Map<String, Path> given = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String s : specs) {
      int eq = s.indexOf('=');
      if (eq <= 0 || eq == s.length() - 1) {
        throw new LaunchException("--input: expected NAME=FILE.npy, but found '" + s + "'");
      }
      if (given.put(s.substring(0, eq), Path.of(s.substring(eq + 1))) != null) {
        problems.add("input '" + s.substring(0, eq) + "' given twice");
      }
    }
    Map<String, ProgramInfo.Input> byName = new HashMap<>();
    info.inputs().forEach(in -> byName.put(in.name(), in));
    for (String name : given.keySet()) {
      ProgramInfo.Input in = byName.get(name);
      if (in == null) {
        problems.add("unexpected input '" + name + "'; the program's inputs are "
            + info.inputs().stream().map(i -> i.name() + " (party " + i.owner() + ")")
                .collect(Collectors.joining(", ")));
      } else if (in.owner() != info.party()) {
        problems.add("input '" + name + "' belongs to party " + in.owner() + ", not to party "
            + info.party());
      }
    }
    for (ProgramInfo.Input in : info.inputs()) {
      if (in.owner() == info.party() && !given.containsKey(in.name())) {
        problems.add("missing input '" + in.name() + "': expected --input " + in.name()
            + "=FILE.npy with shape " + NpyArray.shapeString(in.dims()));
      }
    }
    Map<Integer, long[]> encoded = new HashMap<>();
    if (problems.isEmpty()) {
      for (ProgramInfo.Input in : info.inputs()) {
        if (in.owner() == info.party()) {
          try {
            encoded.put(in.id(), readOne(in, given.get(in.name())));
          } catch (LaunchException e) {
            problems.add(e.getMessage());
          }
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new LaunchException(String.join("; ", problems));
    }
    return encoded;
  }

  private static long[] readOne(ProgramInfo.Input in, Path file) {
    NpyArray a;
    try {
      a = Npy.read(file);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new LaunchException("input '" + in.name() + "': no such file: " + file);
    } catch (IOException e) {
      String m = e.getMessage();
      throw new LaunchException("input '" + in.name() + "': "
          + (m != null && m.startsWith(file.toString()) ? m : "cannot read " + file + " (" + m + ")"));
    }
    if (!java.util.Arrays.equals(a.shape(), in.dims())) {
      throw new LaunchException("input '" + in.name() + "' from " + file + " has shape "
          + NpyArray.shapeString(a.shape()) + ", expected " + NpyArray.shapeString(in.dims()));
    }
    try {
      if (in.real()) {
        return FixedPoint.encode(a, in.scale(), file.toString());
      }
      long[] ints = FixedPoint.encodeIntegers(a, file.toString());
      return in.scale() == 0 ? ints
          : FixedPoint.encode(NpyArray.ofLongs(a.shape(), ints), in.scale(), file.toString());
    } catch (IllegalArgumentException e) {
      throw new LaunchException("input '" + in.name() + "': " + e.getMessage());
    }
  }

  /** The outputs party {@code p} receives, by index. */
  static List<ProgramInfo.Output> received(ProgramInfo info) {
    return info.outputs().stream().filter(o -> o.receivedBy(info.party()))
        .sorted((a, b) -> Integer.compare(a.index(), b.index())).collect(Collectors.toList());
  }

  /** {@code logits.npy}, {@code logits_1.npy}, {@code logits_2.npy}, ... */
  static Path numbered(Path file, int k) {
    if (k == 0) {
      return file;
    }
    String name = file.getFileName().toString();
    int dot = name.endsWith(".npy") ? name.length() - 4 : name.length();
    return file.resolveSibling(name.substring(0, dot) + "_" + k + name.substring(dot));
  }

  /** The array of an output: float64 for real outputs, int64 otherwise. */
  static NpyArray decode(ProgramInfo.Output o, long[] words) {
    return o.real() ? NpyArray.ofDoubles(o.dims(), FixedPoint.decode(words, o.scale()))
        : NpyArray.ofLongs(o.dims(), words.clone());
  }

  /**
   * Writes every received output, the first to {@code file} and the others numbered.
   *
   * @return one "name -> file" per output, for the summary
   */
  static List<String> write(ProgramInfo info, SortedMap<Integer, long[]> got, Path file)
      throws IOException {
    List<String> written = new ArrayList<>();
    List<ProgramInfo.Output> outs = received(info);
    for (int k = 0; k < outs.size(); k++) {
      ProgramInfo.Output o = outs.get(k);
      long[] words = got.get(o.index());
      if (words == null) {
        throw new LaunchException("the program finished without revealing output '" + o.name()
            + "'");
      }
      Path target = numbered(file, k);
      Npy.write(target, decode(o, words));
      written.add("'" + o.name() + "' -> " + target);
    }
    return written;
  }
}
