package onnx2mpc.frontend;

/**
 * Why one ONNX node cannot be converted; the importer adds the node's name, op type and opset
 * and collects it with all other problems before failing.
 */
final class ConversionException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final String attribute;

  /**
   * @param attribute the ONNX attribute (or input, written {@code input 'name'}) at fault, or
   *     null when the node as a whole is
   */
  ConversionException(String attribute, String message) {
    super(message);
    this.attribute = attribute;
  }

  String attribute() {
    return attribute;
  }
}
