package io.jlxcfs.render;

/**
 * /proc/swaps: the kernel's header (mm/swapfile.c swap_show) and, when the container has swap,
 * one "none ... virtual" line laid out as the kernel lays out its own (the name padded to 40 columns,
 * an extra tab after numbers below 10000000).
 */
public final class SwapsRenderer {

    public static final String HEADER = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

    private SwapsRenderer() {
    }

    public static String render(long totalKb, long usedKb) {
        if (totalKb <= 0) return HEADER;
        StringBuilder sb = new StringBuilder(HEADER);
        sb.append("none");
        sb.append(" ".repeat(36));
        sb.append("virtual\t").append(totalKb).append('\t');
        if (totalKb < 10000000) sb.append('\t');
        sb.append(usedKb).append('\t');
        if (usedKb < 10000000) sb.append('\t');
        sb.append("0\n");
        return sb.toString();
    }
}
