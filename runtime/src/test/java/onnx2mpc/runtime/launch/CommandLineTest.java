package onnx2mpc.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  private static CommandLine parse(String... args) {
    return CommandLine.parse(args, Set.of("--hosts", "--input", "--timeout"), Set.of("--input"),
        Set.of("--debug"));
  }

  @Test
  void acceptsBothValueFormsAndRepeats() {
    CommandLine c = parse("--hosts", "h.txt", "--input=a=x.npy", "--input", "b=y.npy",
        "--debug", "--timeout=2.5");
    assertEquals("h.txt", c.get("--hosts"));
    assertEquals(List.of("a=x.npy", "b=y.npy"), c.all("--input"));
    assertTrue(c.has("--debug"));
    assertEquals(Duration.ofMillis(2500), c.seconds("--timeout", Duration.ZERO));
    assertEquals(Duration.ofSeconds(7), parse().seconds("--timeout", Duration.ofSeconds(7)));
  }

  @Test
  void errorsAreOneClearLine() {
    assertEquals("--hosts needs a value (see --help)", error("--hosts"));
    assertEquals("--hosts needs a value (see --help)", error("--hosts", "--debug"));
    assertEquals("--hosts given twice", error("--hosts", "a", "--hosts", "b"));
    assertEquals("unknown option '--host' (see --help)", error("--host=a"));
    assertEquals("unexpected argument 'a.npy' (see --help)", error("a.npy"));
    assertEquals("--debug takes no value (see --help)", error("--debug=yes"));
    assertEquals("missing --hosts FILE (see --help)", assertThrows(LaunchException.class,
        () -> parse().required("--hosts", "FILE")).getMessage());
    assertEquals("--timeout: expected a positive number of seconds, but found '-1'",
        assertThrows(LaunchException.class,
            () -> parse("--timeout", "-1").seconds("--timeout", Duration.ZERO)).getMessage());
  }

  private static String error(String... args) {
    return assertThrows(LaunchException.class, () -> parse(args)).getMessage();
  }
}
