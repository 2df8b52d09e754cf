package io.jlxcfs.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** /proc/PID/stat fields counted from the comm's last ')', as the kernel writes them. */
class ProcStatLineTest {

    private static final String LINE = "4242 (a (b) c) S 1 4242 4242 0 -1 4194560 193 0 0 0 1 2 0 0 20 0 1 0 987654 2510848 230 "
            + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";

    @Test
    void readsStateAndNumbersAfterTheComm() {
        assertEquals('S', ProcStatLine.state(LINE));
        assertEquals(987654, ProcStatLine.number(LINE, 22));
        assertEquals(1, ProcStatLine.number(LINE, 4), "ppid");
        assertEquals(-1, ProcStatLine.number(LINE, 25), "rsslim: too long for a long");
        assertEquals(-1, ProcStatLine.number(LINE, 3), "the state is not a number");
        assertEquals(-1, ProcStatLine.number(LINE, 200), "past the end");
        assertEquals(0, ProcStatLine.state("42 (x"), "no closing parenthesis");
        assertEquals(0, ProcStatLine.state("42 (x)"), "nothing after the comm");
        assertEquals('D', ProcStatLine.state("7 (kworker/0:1) D 2"));
        assertEquals(-1, ProcStatLine.number("7 (x) R 1 2", 22));
    }
}
