package dev.rendezvous.runner.cli;

import dev.rendezvous.model.api.manifest.ManifestException;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import dev.rendezvous.runner.ModelRunner;
import dev.rendezvous.runner.StandaloneOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code model deploy}: runs one registered runner for a manifest in the foreground until stopped or retired. */
@Command(name = "deploy", mixinStandardHelpOptions = true,
        description = {"Runs a model runner for the manifest in the foreground: registers the version (role from the registry if it is",
                "already there and not retired, else the manifest's role, default shadow), scores from the latest offset, and stops",
                "cleanly on SIGTERM/Ctrl-C or when the version is retired."})
final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Parameters(index = "0", paramLabel = "MANIFEST", description = "the model's manifest (YAML)")
    Path manifestFile;

    @Override
    public Integer call() throws InterruptedException {
        ModelManifest manifest;
        ModelRunner runner;
        try {
            manifest = ModelManifest.load(manifestFile);
            runner = ModelRunner.start(kafka.settings(), manifest, StandaloneOptions.registered());
        } catch (ManifestException | ModelLoadException | IllegalStateException | IllegalArgumentException e) {
            spec.commandLine().getErr().println("model deploy: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(runner::close, "model-deploy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getOut().printf("%s of app %s deployed as %s (consumer group %s); Ctrl-C stops it%n", manifest.ref(), manifest.app(),
                runner.role().wireName(), runner.consumerGroup());
        spec.commandLine().getOut().flush();
        try {
            while (!runner.awaitStopped(Duration.ofSeconds(1))) {
                // Waiting for retirement or a signal; the loop keeps the wait interruptible.
            }
        } finally {
            runner.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook is running or has run.
            }
        }
        spec.commandLine().getOut().printf("%s of app %s stopped (role %s)%n", manifest.ref(), manifest.app(), runner.role().wireName());
        return 0;
    }
}
