package dev.rendezvous.deploy.docs;

import dev.rendezvous.deploy.docs.LauncherInvocations.Form;
import dev.rendezvous.deploy.docs.LauncherInvocations.Invocation;
import dev.rendezvous.deploy.docs.ShellWords.Word;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks one invocation against the launcher's real picocli tree, in two steps.
 *
 * <p>First the names: the words are walked as picocli walks them — a word naming a subcommand of the
 * current command descends into it, an option is looked up among the current command's own names
 * (exactly: picocli's abbreviated and case-insensitive options are off; clustered short options such
 * as {@code -hV} are not split, and the docs use none), its value is skipped. An unknown subcommand or
 * option is reported with the file's line and the bad word.
 *
 * <p>Then, for commands written out in full, a real {@code parseArgs} on a fresh tree, which catches
 * what names alone miss: a required option left out, a value of the wrong type, an extra argument.
 * Placeholders ({@code <id>}, {@code $SNAP}, {@code $(…)}) would make false failures there (a
 * {@code --seed $SEED} is not a number), so a word that holds one becomes a value of the type its
 * option or parameter expects: {@code 1} for numbers and times, {@code PT1S} for durations, the
 * placeholder text for strings, paths and maps. Usage lines ({@code [--app A]}) and commands with
 * an elided part ({@code …}) are checked for names only: what is optional or left out there is not an
 * error. Parsing never runs a command.
 */
final class CommandTreeCheck {
    private static final Set<Class<?>> NUMBERS = Set.of(int.class, long.class, short.class, byte.class, double.class, float.class,
            Integer.class, Long.class, Short.class, Byte.class, Double.class, Float.class);

    private final Supplier<CommandLine> launcher;

    CommandTreeCheck(Supplier<CommandLine> launcher) {
        this.launcher = launcher;
    }

    /** The problems of one invocation, each starting with {@code line N:}; empty when it is fine. */
    List<String> problems(Invocation invocation) {
        Walk walk = new Walk(invocation, launcher.get());
        Optional<String> nameProblem = walk.run();
        if (nameProblem.isPresent()) {
            return List.of(nameProblem.get());
        }
        if (invocation.form() == Form.USAGE || invocation.elided()) {
            return List.of();
        }
        try {
            launcher.get().parseArgs(walk.argv.toArray(String[]::new));
            return List.of();
        } catch (CommandLine.ParameterException e) {
            return List.of("line " + invocation.line() + ": `" + invocation.text() + "` does not parse: " + e.getMessage());
        }
    }

    /** One pass over an invocation's words, down the command tree; collects the arguments to parse. */
    private static final class Walk {
        private final Invocation invocation;
        private final List<Word> args;
        private final List<String> argv = new ArrayList<>();
        private CommandLine command;
        private String path = "rendezvous";
        private int positionals;
        private boolean optionsEnded;
        private int next;

        Walk(Invocation invocation, CommandLine root) {
            this.invocation = invocation;
            this.args = invocation.args();
            this.command = root;
        }

        /** The first unknown name, if any. */
        Optional<String> run() {
            while (next < args.size()) {
                Word word = args.get(next++);
                String text = word.value();
                boolean atSubcommand = positionals == 0 && !command.getSubcommands().isEmpty();
                if (!optionsEnded && text.equals("--")) {
                    optionsEnded = true;
                    argv.add(text);
                } else if (!optionsEnded && looksLikeOption(text)) {
                    Optional<String> problem = option(word);
                    if (problem.isPresent()) {
                        return problem;
                    }
                } else if (LauncherInvocations.isElision(text)) {
                    if (atSubcommand) {
                        return Optional.empty(); // `model …`: which subcommand, and so which options, is left open
                    }
                } else if (atSubcommand && command.getSubcommands().containsKey(text) && !word.placeholder()) {
                    command = command.getSubcommands().get(text);
                    path += " " + text;
                    argv.add(text);
                } else if (atSubcommand && command.getCommandSpec().positionalParameters().isEmpty()) {
                    return Optional.of("line " + word.line() + ": `" + path + "` has no subcommand " + word.raw() + " (in `" + invocation.text()
                            + "`); its subcommands: " + new TreeSet<>(command.getSubcommands().keySet()));
                } else {
                    int index = positionals++;
                    argv.add(command.getCommandSpec().positionalParameters().stream().filter(p -> p.index().contains(index)).findFirst()
                            .map(p -> value(word, p)).orElse(word.value()));
                }
            }
            return Optional.empty();
        }

        /** {@code --name}, {@code --name=value} or {@code --name value}: the name must be the current command's. */
        private Optional<String> option(Word word) {
            String text = word.value();
            int equals = text.startsWith("--") ? text.indexOf('=') : -1;
            String name = equals > 0 ? text.substring(0, equals) : text;
            Map<String, OptionSpec> options = command.getCommandSpec().optionsMap();
            OptionSpec option = options.get(name);
            if (option == null) {
                return Optional.of("line " + word.line() + ": `" + path + "` has no option " + name + " (in `" + invocation.text()
                        + "`); its options: " + new TreeSet<>(options.keySet()));
            }
            if (equals > 0) {
                argv.add(name + "=" + value(new Word(word.raw(), text.substring(equals + 1), word.line(), word.placeholder()), option));
                return Optional.empty();
            }
            argv.add(name);
            // A value that looks like an option is none: picocli reports it missing, so the parse below will.
            for (int taken = 0; taken < option.arity().min() && next < args.size() && !looksLikeOption(args.get(next).value()); taken++) {
                argv.add(value(args.get(next++), option));
            }
            return Optional.empty();
        }
    }

    private static boolean looksLikeOption(String text) {
        return text.startsWith("-") && text.length() > 1 && !text.matches("-\\d.*");
    }

    /** The word's text, or for a placeholder a stand-in the argument's type accepts. */
    private static String value(Word word, ArgSpec arg) {
        if (!word.placeholder()) {
            return word.value();
        }
        Class<?> type = arg.type();
        if (NUMBERS.contains(type)) {
            return "1";
        } else if (type == Duration.class) {
            return "PT1S";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true";
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0].toString();
        }
        return word.value();
    }
}
