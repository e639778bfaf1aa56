package onnx2mpc.runtime.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a party or dealer jar knows about its program, read from the resource
 * {@value #RESOURCE} that the compiler writes with {@link #write()}. The text format is
 * described in {@link ProgramText}. Immutable; build one with {@link #builder()}.
 *
 * <p>The compiler writes one file per jar: the same records everywhere, except {@code party}
 * (absent in dealer.jar) and the {@code const} records, which list only the constants that
 * jar carries (resource {@link #constantResource(int)}, written with
 * {@link #encodeConstant(long[])}).
 */
public final class ProgramInfo {
  /** Class-loader path of the description inside a jar. */
  public static final String RESOURCE = "onnx2mpc/program.txt";
  /** The owner of a public constant. */
  public static final int PUBLIC = -1;
  /** {@link #party()} of dealer.jar. */
  public static final int DEALER = -1;

  /** Graph input {@code id}, owned by party {@code owner}, encoded at {@code scale}. */
  public record Input(int id, String name, int owner, int scale, boolean real, int[] dims) {
    public Input {
      dims = dims.clone();
    }

    @Override
    public int[] dims() {
      return dims.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Input && ProgramText.input(this).equals(ProgramText.input((Input) o));
    }

    @Override
    public int hashCode() {
      return ProgramText.input(this).hashCode();
    }

    @Override
    public String toString() {
      return ProgramText.input(this);
    }
  }

  /**
   * Graph output {@code index}, revealed to the parties in bit mask {@code toMask} at
   * {@code scale}; a real number (decoded to float64) if {@code scale > 0}, else an int64.
   */
  public record Output(int index, String name, int scale, int toMask, int[] dims) {
    public Output {
      dims = dims.clone();
    }

    @Override
    public int[] dims() {
      return dims.clone();
    }

    public boolean real() {
      return scale > 0;
    }

    public boolean receivedBy(int party) {
      return party >= 0 && (toMask >>> party & 1) != 0;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Output && ProgramText.output(this).equals(ProgramText.output((Output) o));
    }

    @Override
    public int hashCode() {
      return ProgramText.output(this).hashCode();
    }

    @Override
    public String toString() {
      return ProgramText.output(this);
    }
  }

  /** A constant of {@code words} ring words, owned by a party or {@link #PUBLIC}. */
  public record Constant(int id, String name, int owner, long words) {}

  /** An ONNX node, for per-layer metrics. */
  public record Layer(int index, String name, String opType) {}

  private final int parties;
  private final int party;
  private final int precision;
  private final String digest;
  private final String programClass;
  private final int rounds;
  private final List<Input> inputs;
  private final List<Output> outputs;
  private final List<Constant> constants;
  private final List<Layer> layers;

  private ProgramInfo(Builder b) {
    parties = b.parties;
    party = b.party;
    precision = b.precision;
    digest = b.digest;
    programClass = b.programClass;
    rounds = b.rounds;
    inputs = List.copyOf(b.inputs);
    outputs = List.copyOf(b.outputs);
    constants = List.copyOf(b.constants);
    layers = List.copyOf(b.layers);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding this description, e.g. to derive each party's file from one template. */
  public Builder toBuilder() {
    Builder b = new Builder().parties(parties).party(party).precision(precision).digest(digest)
        .programClass(programClass).rounds(rounds);
    b.inputs.addAll(inputs);
    b.outputs.addAll(outputs);
    b.constants.addAll(constants);
    b.layers.addAll(layers);
    return b;
  }

  /** Parses the text of a program description; {@code source} names it in errors. */
  public static ProgramInfo parse(String text, String source) {
    return ProgramText.parse(text, source);
  }

  /** Reads {@value #RESOURCE} from a jar. */
  public static ProgramInfo load(JarResources jar) throws IOException {
    byte[] bytes = jar.read(RESOURCE);
    if (bytes == null) {
      throw new LaunchException("this jar has no " + RESOURCE + "; was it built by onnx2mpc?");
    }
    return parse(new String(bytes, StandardCharsets.UTF_8), RESOURCE);
  }

  /** The text form, as the compiler puts it into a jar. */
  public String write() {
    return ProgramText.write(this);
  }

  /** Class-loader path of constant {@code id}'s data. */
  public static String constantResource(int id) {
    return "onnx2mpc/const/" + id + ".bin";
  }

  /** A constant's resource bytes: its words, little-endian. */
  public static byte[] encodeConstant(long[] words) {
    ByteBuffer b = ByteBuffer.allocate(8 * words.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(words);
    return b.array();
  }

  /** The inverse of {@link #encodeConstant}. */
  public static long[] decodeConstant(byte[] bytes) {
    long[] words = new long[bytes.length / 8];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(words);
    return words;
  }

  public int parties() {
    return parties;
  }

  /** This jar's party, or {@link #DEALER} for dealer.jar. */
  public int party() {
    return party;
  }

  public boolean isDealer() {
    return party == DEALER;
  }

  /** Default fractional bits of the program's fixed-point numbers. */
  public int precision() {
    return precision;
  }

  /** The program digest (hex) that every process of a run must share. */
  public String digest() {
    return digest;
  }

  /** Binary name of the generated {@link PartyProgram} or {@link DealerProgram} class. */
  public String programClass() {
    return programClass;
  }

  /** Communication rounds of the online and offline phases, as planned. */
  public int rounds() {
    return rounds;
  }

  public List<Input> inputs() {
    return inputs;
  }

  public List<Output> outputs() {
    return outputs;
  }

  /** The constants this jar carries. */
  public List<Constant> constants() {
    return constants;
  }

  public List<Layer> layers() {
    return layers;
  }

  /** One more than the largest layer index (0 without layers): the size of Metrics arrays. */
  public int layerSlots() {
    int n = 0;
    for (Layer l : layers) {
      n = Math.max(n, l.index() + 1);
    }
    return n;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ProgramInfo && write().equals(((ProgramInfo) o).write());
  }

  @Override
  public int hashCode() {
    return write().hashCode();
  }

  @Override
  public String toString() {
    return write();
  }

  /** Collects the records of a description; {@link #build()} checks them. */
  public static final class Builder {
    private int parties = -1;
    private int party = DEALER;
    private int precision = 16;
    private String digest;
    private String programClass;
    private int rounds;
    private final List<Input> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private final List<Constant> constants = new ArrayList<>();
    private final List<Layer> layers = new ArrayList<>();

    private Builder() {}

    public Builder parties(int n) {
      parties = n;
      return this;
    }

    /** This jar's party; {@link #DEALER} (the default) for dealer.jar. */
    public Builder party(int p) {
      party = p;
      return this;
    }

    public Builder precision(int fracBits) {
      precision = fracBits;
      return this;
    }

    public Builder digest(String hex) {
      digest = hex;
      return this;
    }

    public Builder programClass(String binaryName) {
      programClass = binaryName;
      return this;
    }

    public Builder rounds(int r) {
      rounds = r;
      return this;
    }

    /** Adds a graph input; {@code dims} empty for a scalar. */
    public Builder input(int id, String name, int owner, int scale, boolean real, int... dims) {
      inputs.add(new Input(id, name, owner, scale, real, dims));
      return this;
    }

    /** Adds a graph output revealed to the parties in {@code toMask} (bit p = party p). */
    public Builder output(int index, String name, int scale, int toMask, int... dims) {
      outputs.add(new Output(index, name, scale, toMask, dims));
      return this;
    }

    /** Adds a constant this jar carries; owner {@link #PUBLIC} for a public one. */
    public Builder constant(int id, String name, int owner, long words) {
      constants.add(new Constant(id, name, owner, words));
      return this;
    }

    /** Keeps only the constants party {@code p} may see (its own and public ones). */
    public Builder constantsVisibleTo(int p) {
      constants.removeIf(c -> c.owner() != PUBLIC && c.owner() != p);
      return this;
    }

    public Builder layer(int index, String name, String opType) {
      layers.add(new Layer(index, name, opType));
      return this;
    }

    /**
     * @throws IllegalArgumentException naming the first record that is out of range or
     *     repeated
     */
    public ProgramInfo build() {
      check(parties >= 1, "parties: expected at least 1, but found " + parties);
      check(party >= DEALER && party < parties, "party: expected -1 (dealer) or 0.."
          + (parties - 1) + ", but found " + party);
      check(precision >= 0 && precision <= 62, "precision: expected 0..62, but found "
          + precision);
      check(digest != null && !digest.isEmpty(), "digest: expected a hex string, but found "
          + digest);
      check(programClass != null && !programClass.isEmpty(),
          "programClass: expected a class name, but found " + programClass);
      check(rounds >= 0, "rounds: expected >= 0, but found " + rounds);
      Set<Integer> ids = new HashSet<>();
      for (Input in : inputs) {
        String what = "input " + in.id() + " '" + in.name() + "': ";
        check(ids.add(in.id()), what + "id repeated");
        check(in.owner() >= 0 && in.owner() < parties, what + "owner: expected 0.."
            + (parties - 1) + ", but found " + in.owner());
        check(in.scale() >= 0 && in.scale() <= 62, what + "scale: expected 0..62, but found "
            + in.scale());
        checkDims(in.dims(), what);
      }
      ids.clear();
      for (Output out : outputs) {
        String what = "output " + out.index() + " '" + out.name() + "': ";
        check(ids.add(out.index()), what + "index repeated");
        check(out.scale() >= 0 && out.scale() <= 62, what + "scale: expected 0..62, but found "
            + out.scale());
        check(out.toMask() > 0 && (parties >= 31 || out.toMask() < 1 << parties),
            what + "toMask: expected a non-empty set of parties, but found " + out.toMask());
        checkDims(out.dims(), what);
      }
      ids.clear();
      for (Constant c : constants) {
        String what = "constant " + c.id() + " '" + c.name() + "': ";
        check(ids.add(c.id()), what + "id repeated");
        check(c.owner() >= PUBLIC && c.owner() < parties, what + "owner: expected -1 (public)"
            + " or 0.." + (parties - 1) + ", but found " + c.owner());
        check(c.words() >= 0, what + "words: expected >= 0, but found " + c.words());
      }
      ids.clear();
      for (Layer l : layers) {
        check(l.index() >= 0 && ids.add(l.index()), "layer " + l.index() + " '" + l.name()
            + "': index negative or repeated");
      }
      return new ProgramInfo(this);
    }

    private static void checkDims(int[] dims, String what) {
      check(Arrays.stream(dims).allMatch(d -> d >= 0), what + "negative dimension in "
          + Arrays.toString(dims));
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
