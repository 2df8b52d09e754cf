package io.jlxcfs.host;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Blocks and processor numbers, as splitting on blank lines gives them, on odd texts too. */
class HostCpuinfoTest {

    /** The obvious (regex split) reading the parser must agree with. */
    private static List<HostCpuinfo.Block> reference(String text) {
        List<HostCpuinfo.Block> out = new ArrayList<>();
        for (String b : text.split("\n\n")) {
            if (b.isBlank()) continue;
            String body = b.endsWith("\n") ? b : b + "\n";
            int proc = -1;
            for (String line : body.split("\n")) {
                if (!line.startsWith("processor") || line.indexOf(':') < 0) continue;
                try {
                    proc = Integer.parseInt(line.substring(line.indexOf(':') + 1).trim());
                } catch (NumberFormatException e) {
                    proc = -1;
                }
                break;
            }
            out.add(new HostCpuinfo.Block(proc, body));
        }
        return out;
    }

    @Test
    void agreesWithSplittingOnBlankLines() {
        String[] texts = {"", "\n", "\n\n\n", "processor\t: 0\nmodel\t: x\n\nprocessor\t: 1\nmodel\t: x\n\n",
            "processor : 7\nno trailing newline", "a\n\n\nb", "a\n\n\n\nb\n\n", "model: x\nprocessor:\t12 \n",
            "processor: x\n\nprocessor 3\nprocessor: 4\n", "processors: 5\n", "  \n\nprocessor: 2\n\n\n",
            "Processor\t: ARMv7\n\nprocessor\t: 0\nBogoMIPS\t: 38.40\n\nHardware\t: BCM2835\n"};
        for (String t : texts) assertEquals(reference(t), HostCpuinfo.parse(t).blocks(), t.replace("\n", "\\n"));
    }
}
