package onnx2mpc.runtime.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HostsTest {
  @Test
  void parsesIdsAddressesAndComments() {
    Hosts h = Hosts.parse("# run\n0 10.0.0.1:9000\n\n1\tparty1.example.org:9001 # remote\n"
        + "dealer [::1]:9100\n", "hosts.txt").requireProgram(2);
    assertEquals("10.0.0.1", h.address(0).getHostString());
    assertEquals(9000, h.address(0).getPort());
    assertEquals("party1.example.org:9001", Hosts.show(h.address(1)));
    assertEquals("[::1]:9100", Hosts.show(h.address(Hosts.DEALER)));
  }

  @Test
  void errorsNameFileLineAndWhatIsWrong() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Hosts.parse("0 a:1\nx a:2\n", "h.txt"));
    assertEquals("h.txt:2: expected a party id 0, 1, ... or 'dealer', but found 'x'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Hosts.parse("0 a:99999\n", "h.txt"));
    assertEquals("h.txt:1: expected HOST:PORT with a port in 1..65535 (IPv6 in brackets),"
        + " but found 'a:99999'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Hosts.parse("dealer a:1\ndealer b:2\n", "h.txt"));
    assertEquals("h.txt:2: the dealer is listed twice", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Hosts.parse("0 127.0.0.1:7000\ndealer 127.0.0.1:7000\n", "h.txt"));
    assertEquals("h.txt:2: the dealer has the address of party 0, 127.0.0.1:7000; every process"
        + " listens on its own port", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Hosts.parse("0 a:1 b\n", "h.txt"));
    assertEquals("h.txt:1: expected 'ID HOST:PORT', but found '0 a:1 b'", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> Hosts.parse("0 a:1\n3 a:3\n", "h.txt").requireProgram(2));
    assertEquals("h.txt: the program has 2 parties and a dealer, so the file must list ids 0..1"
        + " and 'dealer'; missing: dealer, 1; unexpected: 3", e.getMessage());
  }
}
