package onnx2mpc.conformance;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 4's conformance suite, operator by operator: every case runs in ONNX Runtime (the
 * oracle), in onnx2mpc's interpreter, and as an MPC program with 2 and 3 parties. The MPC runs
 * of a case whose ops have no lowering yet are skipped with the missing ops named, so the
 * suite's skip list is the list of work left.
 */
class OperatorConformanceTest {
  static Stream<Case> cases() {
    return Stream.of(ArithmeticCases.all(), NonlinearCases.exact(), NonlinearCases.approx(),
        NonlinearCases.wide(), ShapeCases.all(), EdgeCases.all()).flatMap(List::stream);
  }

  static Stream<Arguments> casesAndParties() {
    return cases().flatMap(c -> Stream.of(Arguments.of(c, 2), Arguments.of(c, 3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void interpreterMatchesOnnxRuntime(Case c) throws Exception {
    Conformance.interpreterMatchesOracle(c);
  }

  @ParameterizedTest(name = "{0}, {1} parties")
  @MethodSource("casesAndParties")
  void mpcMatchesOnnxRuntime(Case c, int parties) throws Exception {
    Conformance.mpcMatchesOracle(c, parties);
  }

  @AfterAll
  static void printErrors() {
    ErrorLog.print("operators");
  }
}
