package io.jlxcfs.integration;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;

/** Kubernetes mutating admission webhook (TLS). */
@Command(name = "webhook", mixinStandardHelpOptions = true, description = "Kubernetes mutating admission webhook (TLS).")
public final class WebhookCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.err.println("jlxcfs webhook: not implemented yet");
        return 2;
    }
}
