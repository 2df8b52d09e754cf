/** Prints what a JVM sees inside jlxcfs run: available processors and max heap (a smoke test). */
public class Cpus {
    public static void main(String[] args) {
        System.out.println("availableProcessors=" + Runtime.getRuntime().availableProcessors());
        System.out.println("maxMemory=" + Runtime.getRuntime().maxMemory());
    }
}
