package dev.rendezvous.replay.cli;

import dev.rendezvous.archive.format.snapshot.VerifyReport;
import dev.rendezvous.model.api.manifest.ManifestException;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.replay.lineage.ExportedInputs;
import dev.rendezvous.replay.lineage.LineageVerifier;
import dev.rendezvous.replay.lineage.ServedLabels;
import dev.rendezvous.replay.lineage.SnapshotTraining;
import dev.rendezvous.replay.lineage.TrainingRecipe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The {@code lineage} command: train a model on an archive snapshot export, and verify a manifest's training snapshot. */
@Command(name = "lineage", mixinStandardHelpOptions = true,
        description = "Train a model on an archive snapshot (its lineage names the snapshot), and check that snapshot before deploying.",
        subcommands = {LineageCommand.Train.class, LineageCommand.Verify.class, CommandLine.HelpCommand.class})
public class LineageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** For the launcher: {@code addSubcommand("lineage", new LineageCommand())}. */
    public LineageCommand() {
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code lineage train}: Tribuo factorization machine on an export, labels = what models served. */
    @Command(name = "train", description = "Train a factorization machine (Tribuo, seeded) on an `archive export` directory, labels = the "
            + "labels models served for those requests; writes <name>-<version>.onnx and its manifest (role shadow, lineage = the snapshot).")
    static final class Train implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        // Not mixinStandardHelpOptions: its -V/--version would clash with --version, the new model's version.
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
        @Option(names = "--dir", defaultValue = "data/archive", description = "the archive directory (default: ${DEFAULT-VALUE})")
        Path dir;
        @Option(names = "--export", required = true, description = "a directory written by `archive export` (export.json names the snapshot)")
        Path export;
        @Option(names = "--like", required = true, paramLabel = "<manifest>", description = "a manifest whose input features the new model reads")
        Path like;
        @Option(names = "--name", required = true)
        String name;
        @Option(names = "--version", required = true)
        String version;
        @Option(names = "--seed", defaultValue = "1", description = "training seed (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--out", required = true, description = "where the .onnx and .yaml go")
        Path out;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter stdout = spec.commandLine().getOut();
            try {
                ExportedInputs inputs = ExportedInputs.read(export);
                ModelManifest template = ModelManifest.load(like);
                Map<String, String> labels = ServedLabels.of(dir, inputs.manifest().app(), inputs.manifest().snapshotId());
                SnapshotTraining.Trained trained = SnapshotTraining.train(inputs, labels, ServedLabels.DESCRIPTION,
                        TrainingRecipe.factorizationMachine(inputs.manifest().app(), name, version, template.input().features(), seed), out);
                stdout.println("trained " + name + "@" + version + " on snapshot " + inputs.manifest().snapshotId() + ": "
                        + trained.trainingRows() + " training rows, " + trained.heldOutRows() + " held out, metrics " + trained.metrics());
                stdout.println("manifest: " + trained.manifest());
                stdout.flush();
                return 0;
            } catch (IOException | IllegalArgumentException | ManifestException e) {
                return fail(spec, e);
            }
        }
    }

    /** {@code lineage verify}: the manifest's training snapshot exists and every segment still has its hash. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check that the snapshot a manifest's lineage.trainingData names exists and verifies (exit 1 if not).")
    static final class Verify implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--dir", defaultValue = "data/archive", description = "the archive directory (default: ${DEFAULT-VALUE})")
        Path dir;
        @Parameters(paramLabel = "<manifest>")
        Path manifest;

        @Override
        public Integer call() {
            try {
                ModelManifest model = ModelManifest.load(manifest);
                Optional<VerifyReport> report = new LineageVerifier(dir).verify(model);
                spec.commandLine().getOut().println(report.map(r -> "ok: " + model.ref() + " was trained on snapshot " + r.id() + " of "
                        + r.app() + "; " + r.segmentsChecked() + " segments verified")
                        .orElse("ok: " + model.ref() + " names no archive snapshot in lineage.trainingData; nothing to verify"));
                spec.commandLine().getOut().flush();
                return 0;
            } catch (IOException | IllegalArgumentException | ManifestException e) {
                return fail(spec, e);
            }
        }
    }

    /** Expected problems are one line on stderr, exit code 1, no stack trace. */
    private static int fail(CommandSpec spec, Exception e) {
        spec.commandLine().getErr().println("lineage: " + e.getMessage());
        spec.commandLine().getErr().flush();
        return 1;
    }
}
