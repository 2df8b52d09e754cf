package io.jlxcfs.daemon;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SignalHooksTest {

    /** HotSpot takes 13-64 from _JAVA_SR_SIGNUM and falls back to SIGUSR2 (12) for anything else. */
    @Test
    void theJvmSuspendsWithUsr2UnlessTheVariableNamesAnotherSignal() {
        assertTrue(SignalHooks.vmSuspendsWithUsr2(null));
        assertTrue(SignalHooks.vmSuspendsWithUsr2(""));
        assertTrue(SignalHooks.vmSuspendsWithUsr2("12"));
        assertTrue(SignalHooks.vmSuspendsWithUsr2("99"));
        assertTrue(SignalHooks.vmSuspendsWithUsr2("SIGRTMIN"));
        assertFalse(SignalHooks.vmSuspendsWithUsr2("40"));
        assertFalse(SignalHooks.vmSuspendsWithUsr2(" 64 "));
    }
}
