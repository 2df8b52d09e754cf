package io.jlxcfs.host;

import java.util.ArrayList;
import java.util.List;

/**
 * The host's /proc/cpuinfo split into blank-line separated blocks.
 *
 * @param blocks the blocks, in order, each with its trailing newline but without the blank line
 */
public record HostCpuinfo(List<Block> blocks) {

    /**
     * @param processor the block's "processor : N" number, or -1 for blocks without one
     * @param text      the block's lines
     */
    public record Block(int processor, String text) {
    }

    public HostCpuinfo {
        blocks = List.copyOf(blocks);
    }

    public static HostCpuinfo parse(String text) {
        List<Block> out = new ArrayList<>();
        for (String b : text.split("\n\n")) {
            if (b.isBlank()) continue;
            String body = b.endsWith("\n") ? b : b + "\n";
            out.add(new Block(processorOf(body), body));
        }
        return new HostCpuinfo(out);
    }

    private static int processorOf(String block) {
        for (String line : block.split("\n")) {
            if (!line.startsWith("processor")) continue;
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            try {
                return Integer.parseInt(line.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        return -1;
    }
}
