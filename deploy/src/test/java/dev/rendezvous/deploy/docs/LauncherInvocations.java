package dev.rendezvous.deploy.docs;

import dev.rendezvous.deploy.docs.MarkdownFences.Fence;
import dev.rendezvous.deploy.docs.ShellWords.SimpleCommand;
import dev.rendezvous.deploy.docs.ShellWords.Word;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds the launcher's invocations in a fenced block: {@code rendezvous …} (the alias the docs
 * define), {@code java [flags] -jar …/rendezvous.jar …} or {@code java … dev.rendezvous.deploy.Main …},
 * also behind assignments, {@code xargs}/{@code time}/{@code nohup}, inside {@code $(…)} and
 * {@code bash -c '…'}; and, in unlabeled blocks, usage lines such as
 * {@code archive snapshot show --dir data/archive [--app fraud] <id>}.
 */
final class LauncherInvocations {
    /** The file name deploy/pom.xml gives the launcher ({@code <finalName>rendezvous</finalName>}). */
    static final String LAUNCHER_JAR = "rendezvous.jar";
    static final String MAIN_CLASS = "dev.rendezvous.deploy.Main";
    private static final Set<String> SHELL_LABELS = Set.of("bash", "sh", "shell", "zsh", "console", "");
    private static final Set<String> WRAPPERS = Set.of("xargs", "time", "nohup", "exec", "env", "sudo", "timeout", "watch");
    private static final Set<String> LAUNCHERS = Set.of("rendezvous", "java", "bash", "sh", "zsh");
    private static final Set<String> CLASS_PATH_FLAGS = Set.of("-cp", "-classpath", "--class-path", "-p", "--module-path");
    private static final Pattern ASSIGNMENT = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*=");

    /** How the launcher was named; a usage line is checked for names only. */
    enum Form { ALIAS, JAR, USAGE }

    /**
     * One call of the launcher.
     *
     * @param launcher how it was named: {@code rendezvous}, {@code java -jar deploy/target/rendezvous.jar}, …
     * @param args     the words after it: the subcommand path, options and arguments
     */
    record Invocation(Form form, String launcher, int line, List<Word> args) {
        /** Whether some argument is left out ({@code …}): then a missing required option may be in the gap. */
        boolean elided() {
            return args.stream().anyMatch(word -> isElision(word.value()));
        }

        String text() {
            StringBuilder text = new StringBuilder(launcher);
            args.forEach(word -> text.append(' ').append(word.raw()));
            return text.toString();
        }
    }

    /** What the blocks of one file hold; each problem starts with {@code line N:}. */
    record Found(List<Invocation> invocations, List<Integer> aliasLines, List<String> problems) {
        Found() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private LauncherInvocations() {
    }

    /** {@code …} or {@code ...} standing for words left out. */
    static boolean isElision(String word) {
        return word.equals("…") || word.equals("...");
    }

    /** @param topLevel the launcher's subcommand names, which start a usage line in an unlabeled block */
    static void collect(Fence fence, Set<String> topLevel, Found into) {
        if (!SHELL_LABELS.contains(fence.label())) {
            return;
        }
        if (fence.label().isEmpty()) {
            collectUnlabeled(fence, topLevel, into);
            return;
        }
        String text = fence.label().equals("console") ? promptLinesOnly(fence.text()) : fence.text();
        try {
            ShellWords.parse(text, fence.firstLine()).forEach(command -> recognise(command, into));
        } catch (ShellWords.SyntaxException e) {
            into.problems().add("line " + e.line() + ": a ```" + fence.label() + " block is not valid shell: " + e.getMessage());
        }
    }

    /**
     * An unlabeled block may be a command, its output, a usage synopsis or a diagram; so each logical
     * line is read on its own, and one that is not valid shell (an output's stray quote) is not a command.
     */
    private static void collectUnlabeled(Fence fence, Set<String> topLevel, Found into) {
        String[] lines = fence.text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int first = i;
            StringBuilder logical = new StringBuilder(lines[i]);
            while (lines[i].endsWith("\\") && i + 1 < lines.length) {
                logical.append('\n').append(lines[++i]);
            }
            int lineNumber = fence.firstLine() + first;
            String[] firstWord = logical.toString().strip().split("\\s+", 2);
            if (topLevel.contains(firstWord[0])) {
                into.invocations().add(new Invocation(Form.USAGE, "rendezvous", lineNumber, usageWords(logical.toString().strip(), lineNumber)));
                continue;
            }
            try {
                ShellWords.parse(logical.toString(), lineNumber).forEach(command -> recognise(command, into));
            } catch (ShellWords.SyntaxException e) {
                // Not shell, so not a command.
            }
        }
    }

    /** A console block's commands are its {@code $ } lines (and their continuations); other lines become blank, keeping line numbers. */
    private static String promptLinesOnly(String text) {
        List<String> kept = new ArrayList<>();
        boolean continued = false;
        for (String line : text.split("\n", -1)) {
            String command = continued ? line : line.startsWith("$ ") ? line.substring(2) : null;
            kept.add(command == null ? "" : command);
            continued = command != null && command.endsWith("\\");
        }
        return String.join("\n", kept);
    }

    private static void recognise(SimpleCommand command, Found into) {
        List<Word> words = command.words();
        int i = 0;
        while (i < words.size() && ASSIGNMENT.matcher(words.get(i).value()).lookingAt()) {
            i++;
        }
        if (i < words.size() && WRAPPERS.contains(words.get(i).value())) {
            do {
                i++;
            } while (i < words.size() && !LAUNCHERS.contains(words.get(i).value()));
        }
        if (i >= words.size()) {
            return;
        }
        Word name = words.get(i);
        switch (name.value()) {
            case "rendezvous" -> into.invocations().add(new Invocation(Form.ALIAS, "rendezvous", name.line(), words.subList(i + 1, words.size())));
            case "alias" -> words.subList(i + 1, words.size()).stream().filter(w -> w.value().startsWith("rendezvous="))
                    .forEach(definition -> alias(definition, into));
            case "bash", "sh", "zsh" -> {
                for (int j = i + 1; j + 1 < words.size(); j++) {
                    if (words.get(j).value().equals("-c")) {
                        Word script = words.get(j + 1);
                        try {
                            ShellWords.parse(script.value(), script.line()).forEach(inner -> recognise(inner, into));
                        } catch (ShellWords.SyntaxException e) {
                            into.problems().add("line " + e.line() + ": the script of " + name.value() + " -c is not valid shell: " + e.getMessage());
                        }
                        break;
                    }
                }
            }
            default -> {
                if (name.value().equals("java") || name.value().endsWith("/java")) {
                    java(words, i + 1, into);
                }
            }
        }
    }

    private static void java(List<Word> words, int from, Found into) {
        for (int k = from; k < words.size(); k++) {
            String word = words.get(k).value();
            if (word.equals("-jar") && k + 1 < words.size()) {
                Word jar = words.get(k + 1);
                String file = jar.value().substring(jar.value().lastIndexOf('/') + 1);
                if (file.equals(LAUNCHER_JAR)) {
                    into.invocations().add(new Invocation(Form.JAR, "java -jar " + jar.raw(), jar.line(), words.subList(k + 2, words.size())));
                } else if (jar.value().contains("deploy/target/")) {
                    into.problems().add("line " + jar.line() + ": java -jar " + jar.raw() + ": deploy builds target/" + LAUNCHER_JAR);
                }
                return;
            } else if (word.equals(MAIN_CLASS)) {
                into.invocations().add(new Invocation(Form.JAR, "java … " + MAIN_CLASS, words.get(k).line(), words.subList(k + 1, words.size())));
                return;
            } else if (CLASS_PATH_FLAGS.contains(word)) {
                k++;
            } else if (!word.startsWith("-") && !word.startsWith("@")) {
                return; // another main class
            }
        }
    }

    /** {@code alias rendezvous='…'} must stand for the launcher with no arguments. */
    private static void alias(Word definition, Found into) {
        String target = definition.value().substring("rendezvous=".length());
        Found inner = new Found();
        ShellWords.parse(target, definition.line()).forEach(command -> recognise(command, inner));
        boolean launcher = inner.invocations().size() == 1 && inner.invocations().get(0).form() == Form.JAR
                && inner.invocations().get(0).args().isEmpty();
        if (launcher) {
            into.aliasLines().add(definition.line());
        } else {
            into.problems().add("line " + definition.line() + ": alias " + definition.raw() + " is not the launcher (java -jar deploy/target/"
                    + LAUNCHER_JAR + ")");
            into.problems().addAll(inner.problems());
        }
    }

    /**
     * The words of a usage line: {@code [ ]} around optional parts are dropped, {@code <…>} (spaces
     * allowed) and {@code a|b} values are placeholders, {@code -a|--all} are alternative names, a
     * trailing {@code …} means "repeatable", and {@code #} starts a comment.
     */
    static List<Word> usageWords(String text, int line) {
        List<Word> words = new ArrayList<>();
        for (String token : usageTokens(text)) {
            if (token.startsWith("#")) {
                break;
            }
            String value = token.replace("[", "").replace("]", "");
            while (value.length() > 1 && (value.endsWith("…") || value.endsWith("...")) && !value.equals("...")) {
                value = value.endsWith("…") ? value.substring(0, value.length() - 1) : value.substring(0, value.length() - 3);
            }
            if (value.isEmpty()) {
                continue;
            }
            List<String> alternatives = List.of(value.split("\\|"));
            if (alternatives.size() > 1 && alternatives.stream().allMatch(a -> a.startsWith("-"))) {
                alternatives.forEach(a -> words.add(new Word(token, a, line, false)));
            } else {
                words.add(new Word(token, value, line, value.contains("<") || value.contains("|")));
            }
        }
        return words;
    }

    /** Splits at whitespace outside {@code <…>}. */
    private static List<String> usageTokens(String text) {
        List<String> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        boolean inPlaceholder = false;
        for (char c : text.toCharArray()) {
            if (Character.isWhitespace(c) && !inPlaceholder) {
                if (!token.isEmpty()) {
                    tokens.add(token.toString());
                    token.setLength(0);
                }
                continue;
            }
            inPlaceholder = c == '<' || (inPlaceholder && c != '>');
            token.append(c);
        }
        if (!token.isEmpty()) {
            tokens.add(token.toString());
        }
        return tokens;
    }
}
