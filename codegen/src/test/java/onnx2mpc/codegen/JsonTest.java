package onnx2mpc.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void writesAndReadsBack() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("s", "a \"q\" \\ \n\t\u0001 é");
    m.put("i", 42L);
    m.put("d", 0.5);
    m.put("nan", Double.NaN);
    m.put("b", true);
    m.put("n", null);
    m.put("l", List.of(1L, 2L));
    m.put("o", Map.of("k", 1L));
    m.put("long", new long[] {7, 8});
    String text = Json.write(m);
    Map<String, Object> want = new LinkedHashMap<>(m);
    want.put("nan", null);
    want.put("long", List.of(7L, 8L));
    assertEquals(want, Json.parse(text));
    assertEquals(text, Json.write(Json.parse(text)));
  }

  @Test
  void smallObjectsStayOnOneLine() {
    Map<String, Object> inner = new LinkedHashMap<>();
    inner.put("0", 2L);
    inner.put("1", 3L);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("a", 1L);
    m.put("b", inner);
    assertEquals("{\"a\": 1, \"b\": {\"0\": 2, \"1\": 3}}\n", Json.write(m));
    String big = Json.write(Map.of("layers", List.of(Map.of("name", "x"), Map.of("name", "y"))));
    assertEquals("{\n  \"layers\": [\n    {\"name\": \"x\"},\n    {\"name\": \"y\"}\n  ]\n}\n",
        big);
  }

  @Test
  void parseErrorsNameTheOffset() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Json.parse("{\"a\": [1, 2,]}"));
    assertEquals("JSON: expected a value at offset 12, but found ']'", e.getMessage());
    assertEquals(Arrays.asList(1.5, -2L, 3e10), Json.parse("[1.5, -2, 3e10]"));
  }
}
