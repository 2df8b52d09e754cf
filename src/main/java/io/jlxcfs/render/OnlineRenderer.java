package io.jlxcfs.render;

import io.jlxcfs.cgroup.CpuList;

/** /sys/devices/system/cpu/online: the k visible CPUs as "0-(k-1)". */
public final class OnlineRenderer {

    private OnlineRenderer() {
    }

    public static String render(int visibleCpus) {
        return CpuList.firstN(Math.max(1, visibleCpus)) + "\n";
    }
}
