package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import onnx2mpc.runtime.ProgramData;
import onnx2mpc.runtime.ProtocolException;

/**
 * The {@link ProgramData} of a party jar: inputs read from the user's files (already encoded,
 * see {@link PartyInputs}), constants from the jar's resources, outputs collected for
 * {@link PartyMain} to write. Each constant is read and decoded once and then kept: every
 * repetition of a session uses the same array (kernels never write into their operands), so
 * the weights are neither inflated again nor left as garbage by each inference.
 */
public final class JarProgramData implements ProgramData {
  private final ProgramInfo info;
  private final JarResources jar;
  private final Map<Integer, long[]> inputs;
  private final SortedMap<Integer, long[]> outputs = new TreeMap<>();
  private final Map<Integer, long[]> constants = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param inputs ring-encoded inputs of this party, by input id
   */
  public JarProgramData(ProgramInfo info, JarResources jar, Map<Integer, long[]> inputs) {
    this.info = info;
    this.jar = jar;
    this.inputs = Map.copyOf(inputs);
  }

  private String me() {
    return "party " + info.party();
  }

  @Override
  public long[] input(int id) {
    long[] w = inputs.get(id);
    if (w == null) {
      throw new ProtocolException(me() + ": the program asked for input " + id
          + ", which this party was not given; is the jar built for party " + info.party() + "?");
    }
    return w;
  }

  @Override
  public long[] constant(int id) {
    return constants.computeIfAbsent(id, this::readConstant);
  }

  private long[] readConstant(int id) {
    ProgramInfo.Constant c = info.constants().stream().filter(k -> k.id() == id).findFirst()
        .orElseThrow(() -> new ProtocolException(me() + ": the program asked for constant " + id
            + ", which this jar does not carry"));
    byte[] bytes;
    try {
      bytes = jar.read(ProgramInfo.constantResource(id));
    } catch (IOException e) {
      throw new UncheckedIOException(me() + ": cannot read " + ProgramInfo.constantResource(id)
          + " from the jar", e);
    }
    if (bytes == null || bytes.length != 8 * c.words()) {
      throw new ProtocolException(me() + ": constant " + id + " '" + c.name() + "': expected "
          + 8 * c.words() + " bytes in " + ProgramInfo.constantResource(id) + ", but found "
          + (bytes == null ? "no such resource" : bytes.length + " bytes"));
    }
    return ProgramInfo.decodeConstant(bytes);
  }

  @Override
  public synchronized void output(int index, long[] words) {
    ProgramInfo.Output o = info.outputs().stream().filter(k -> k.index() == index).findFirst()
        .orElseThrow(() -> new ProtocolException(me() + ": the program revealed output " + index
            + ", which the program description does not list"));
    long expected = 1;
    for (int d : o.dims()) {
      expected *= d;
    }
    if (words.length != expected) {
      throw new ProtocolException(me() + ": output " + index + " '" + o.name() + "' has "
          + words.length + " words, expected " + expected + " for its shape");
    }
    outputs.put(index, words.clone());
  }

  /** The revealed outputs so far, by index. */
  public synchronized SortedMap<Integer, long[]> outputs() {
    return new TreeMap<>(outputs);
  }
}
