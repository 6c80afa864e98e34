package dev.rendezvous.model.runtimes.plugin;

import dev.rendezvous.model.api.Model;
import dev.rendezvous.model.api.Signature;
import dev.rendezvous.model.api.TensorValue;
import dev.rendezvous.model.api.manifest.ArtifactHash;
import dev.rendezvous.model.api.manifest.ModelManifest;
import dev.rendezvous.model.runtimes.scoring.BatchModel;
import dev.rendezvous.model.runtimes.scoring.ModelFailureException;
import dev.rendezvous.model.runtimes.scoring.ModelLoadException;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * A {@link Model} from a plug-in jar ({@code runtime: java}): the jar gets its own class loader (whose
 * parent holds the runner, so both see the same {@code api} types), and the model is the jar's one
 * ServiceLoader provider of {@link Model}, or the one named by the manifest's {@code className}.
 */
public final class PluginModel implements BatchModel {
    private final ModelManifest manifest;
    private final URLClassLoader loader;
    private final Path verifiedCopy;
    private final Model model;
    private final Signature signature;

    private PluginModel(ModelManifest manifest, URLClassLoader loader, Path verifiedCopy, Model model, Signature signature) {
        this.manifest = manifest;
        this.loader = loader;
        this.verifiedCopy = verifiedCopy;
        this.model = model;
        this.signature = signature;
    }

    /** Loads the jar's model from a private copy of the bytes whose hash was checked, so a later change to the file cannot slip in. */
    public static PluginModel load(ModelManifest manifest) {
        Path copy = verifiedCopy(manifest);
        URLClassLoader loader = new URLClassLoader("plugin-" + manifest.consumerGroup(), new URL[] {url(manifest, copy)},
                PluginModel.class.getClassLoader());
        try {
            Model model = instantiate(provider(manifest, loader));
            Signature signature = withPluginLoader(loader, model::signature);
            if (signature == null) {
                throw new ModelLoadException(manifest, model.getClass().getName() + ".signature() returned null", null);
            }
            return new PluginModel(manifest, loader, copy, model, signature);
        } catch (ModelLoadException e) {
            closeQuietly(loader, copy);
            throw e;
        } catch (Exception | ServiceConfigurationError | LinkageError e) {
            closeQuietly(loader, copy);
            throw new ModelLoadException(manifest, "plug-in " + manifest.artifact() + " failed to load: " + e, e);
        }
    }

    @Override
    public Signature signature() {
        return signature;
    }

    @Override
    public Map<String, TensorValue> infer(Map<String, TensorValue> inputs, long deadlineAtMs) throws ModelFailureException {
        try {
            return withPluginLoader(loader, () -> model.predict(inputs));
        } catch (Exception | LinkageError e) {
            throw new ModelFailureException(model.getClass().getName() + ".predict failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            withPluginLoader(loader, () -> {
                model.close();
                return null;
            });
        } catch (Exception e) {
            // Closing: nothing left to protect.
        } finally {
            closeQuietly(loader, verifiedCopy);
        }
    }

    private static ServiceLoader.Provider<Model> provider(ModelManifest manifest, ClassLoader loader) {
        // The runner's own class path may provide Models too (tests do): only the jar's count.
        List<ServiceLoader.Provider<Model>> provided = ServiceLoader.load(Model.class, loader).stream()
                .filter(p -> p.type().getClassLoader() == loader)
                .toList();
        List<String> names = provided.stream().map(p -> p.type().getName()).toList();
        if (provided.isEmpty()) {
            throw new ModelLoadException(manifest, "plug-in " + manifest.artifact() + " provides no " + Model.class.getName()
                    + "; expected a META-INF/services/" + Model.class.getName() + " file naming the implementation", null);
        }
        if (manifest.className() != null) {
            return provided.stream().filter(p -> p.type().getName().equals(manifest.className())).findFirst()
                    .orElseThrow(() -> new ModelLoadException(manifest, "className '" + manifest.className() + "' is not a Model provided by "
                            + manifest.artifact() + "; it provides " + names, null));
        }
        if (provided.size() > 1) {
            throw new ModelLoadException(manifest, "plug-in " + manifest.artifact() + " provides " + names
                    + "; name the one to run with className", null);
        }
        return provided.get(0);
    }

    private static Model instantiate(ServiceLoader.Provider<Model> provider) throws Exception {
        ClassLoader loader = provider.type().getClassLoader();
        return withPluginLoader(loader, provider::get);
    }

    /** Libraries inside a plug-in often look classes up through the thread's context class loader. */
    private static <T> T withPluginLoader(ClassLoader loader, java.util.concurrent.Callable<T> call) throws Exception {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return call.call();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    private static Path verifiedCopy(ModelManifest manifest) {
        try {
            byte[] bytes = Files.readAllBytes(manifest.artifact());
            String actual = ArtifactHash.sha256(bytes);
            if (!actual.equals(manifest.sha256())) {
                throw new ModelLoadException(manifest, ArtifactHash.mismatch(manifest.artifact(), manifest.sha256(), actual), null);
            }
            Path copy = Files.createTempFile("rdv-plugin-" + manifest.name() + "-", ".jar");
            Files.write(copy, bytes);
            copy.toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new ModelLoadException(manifest, "cannot read artifact " + manifest.artifact() + ": " + e, e);
        }
    }

    private static URL url(ModelManifest manifest, Path copy) {
        try {
            return copy.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new ModelLoadException(manifest, "the copy of artifact " + manifest.artifact() + " has no usable URL: " + e, e);
        }
    }

    private static void closeQuietly(URLClassLoader loader, Path copy) {
        try {
            loader.close();
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            // Only file handles and a temporary file; nothing to report.
        }
    }

    @Override
    public String toString() {
        return "plug-in " + model.getClass().getName() + " for " + manifest.ref();
    }
}
