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

    /** The blocks' processor numbers, ascending (the online CPUs). */
    public int[] cpuNumbers() {
        return blocks.stream().mapToInt(Block::processor).filter(n -> n >= 0).sorted().distinct().toArray();
    }

    public static HostCpuinfo parse(String text) {
        List<Block> out = new ArrayList<>();
        int n = text.length();
        for (int at = 0; at < n; ) {
            int gap = text.indexOf("\n\n", at);
            int end = gap < 0 ? n : gap;
            if (!text.substring(at, end).isBlank()) {
                // the block with its last line's newline (the text's end may lack one)
                String body = end < n ? text.substring(at, end + 1) : text.substring(at, end) + "\n";
                if (end == n && text.endsWith("\n")) body = text.substring(at, end);
                out.add(new Block(processorOf(body), body));
            }
            at = gap < 0 ? n : gap + 2;
        }
        return new HostCpuinfo(out);
    }

    /** The number on the block's first "processor" line with a colon, or -1. */
    private static int processorOf(String block) {
        int n = block.length();
        for (int at = 0; at < n; ) {
            int eol = block.indexOf('\n', at);
            if (eol < 0) eol = n;
            if (block.startsWith("processor", at)) {
                int colon = block.indexOf(':', at);
                if (colon >= 0 && colon < eol) return number(block, colon + 1, eol);
            }
            at = eol + 1;
        }
        return -1;
    }

    /** s[from, to) trimmed as an int, or -1. */
    private static int number(String s, int from, int to) {
        while (from < to && s.charAt(from) <= ' ') from++;
        while (to > from && s.charAt(to - 1) <= ' ') to--;
        try {
            return Integer.parseInt(s, from, to, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
