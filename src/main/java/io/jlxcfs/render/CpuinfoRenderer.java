package io.jlxcfs.render;

import io.jlxcfs.host.HostCpuinfo;

/** /proc/cpuinfo: only the visible CPUs' blocks, renumbered 0..k-1 in ascending host order. */
public final class CpuinfoRenderer {

    private CpuinfoRenderer() {
    }

    public static String render(HostCpuinfo host, int[] visible) {
        StringBuilder sb = Scratch.builder();
        for (HostCpuinfo.Block b : host.blocks()) {
            if (b.processor() < 0) {
                sb.append(b.text()).append('\n');
                continue;
            }
            int idx = indexOf(visible, b.processor());
            if (idx >= 0) renumber(sb, b.text(), idx).append('\n');
        }
        return sb.toString();
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) return i;
        }
        return -1;
    }

    /** Appends the block with its "processor" line's number rewritten to {@code n}. */
    static StringBuilder renumber(StringBuilder sb, String block, int n) {
        int start = block.startsWith("processor") ? 0 : block.indexOf("\nprocessor") + 1;
        if (start < 0 || (start == 0 && !block.startsWith("processor"))) return sb.append(block);
        int colon = block.indexOf(':', start);
        int eol = block.indexOf('\n', start);
        if (colon < 0 || eol < colon) return sb.append(block);
        return sb.append(block, 0, colon + 1).append(' ').append(n).append(block, eol, block.length());
    }
}
