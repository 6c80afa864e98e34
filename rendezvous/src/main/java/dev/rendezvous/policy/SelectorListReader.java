package dev.rendezvous.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rendezvous.protocol.ModelRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Reads an {@code accept} or {@code prefer} list, optionally checking model refs against the registry. */
final class SelectorListReader {
    private final Set<ModelRef> registered;
    private final ProblemList problems;

    /** @param registered the application's registered models, or null not to check */
    SelectorListReader(Set<ModelRef> registered, ProblemList problems) {
        this.registered = registered;
        this.problems = problems;
    }

    /** The selectors, or null when the list has a problem (reported). */
    List<Selector> read(JsonNode node, String path) {
        if (node == null || node.isNull()) {
            return problems.add(path, "missing; expected a list of selectors, e.g. [fraud-gbt@7, any-live]");
        }
        if (!node.isArray()) {
            return problems.add(path, "expected a list of selectors, e.g. [" + node.asText() + "]");
        }
        if (node.isEmpty()) {
            return problems.add(path, "must list at least one selector");
        }
        List<Selector> selectors = new ArrayList<>();
        for (int j = 0; j < node.size(); j++) {
            String elementPath = path + "[" + j + "]";
            JsonNode element = node.get(j);
            if (!element.isTextual()) {
                problems.add(elementPath, "expected a selector string, was " + element + "; " + Selector.SYNTAX);
                continue;
            }
            try {
                Selector selector = Selector.parse(element.asText());
                checkRegistered(selector, elementPath);
                selectors.add(selector);
            } catch (IllegalArgumentException e) {
                problems.add(elementPath, e.getMessage());
            }
        }
        return selectors.size() == node.size() ? selectors : null;
    }

    private void checkRegistered(Selector selector, String path) {
        if (registered == null) {
            return;
        }
        if (selector instanceof Selector.Exact exact && !registered.contains(exact.ref())) {
            problems.add(path, "unknown model " + exact.ref() + "; registered: " + registeredList());
        } else if (selector instanceof Selector.AnyVersionOf any
                && registered.stream().noneMatch(ref -> ref.name().equals(any.name()))) {
            problems.add(path, "no registered model is named " + any.name() + "; registered: " + registeredList());
        }
    }

    private String registeredList() {
        if (registered.isEmpty()) {
            return "none";
        }
        return registered.stream().map(ModelRef::toString).sorted().collect(Collectors.joining(", "));
    }
}
