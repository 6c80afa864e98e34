package dev.rendezvous.deploy.docs;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Enough of the POSIX shell's word splitting to find the commands in a documentation snippet: quotes,
 * backslash escapes and line continuations, comments, {@code | || && ; &} and newlines between
 * commands, redirections (their targets are dropped) and here-documents (their bodies are skipped),
 * {@code $VAR}, {@code ${VAR}}, {@code $((…))} and {@code <placeholder>} as placeholders, and
 * {@code $(…)}/backticks, whose commands are returned too. No globbing, no aliases, no functions.
 */
final class ShellWords {
    /** What a placeholder ({@code $SNAP}, {@code <id>}, {@code $(…)}) stands for in {@link Word#value()}. */
    static final String PLACEHOLDER = "placeholder";
    private static final Pattern ANGLE_PLACEHOLDER = Pattern.compile("<[A-Za-z][^<>\\s'\"]*>");

    /**
     * One word after quote removal.
     *
     * @param raw         the word as written, for messages
     * @param value       what the command receives, with each placeholder replaced by {@link #PLACEHOLDER}
     * @param line        the line of the word's first character
     * @param placeholder whether any part of it is a placeholder, i.e. the reader types something else
     */
    record Word(String raw, String value, int line, boolean placeholder) {
    }

    /** The words of one simple command, assignments and wrappers ({@code xargs …}) included. */
    record SimpleCommand(List<Word> words) {
    }

    /** Unbalanced quotes or parentheses: the snippet is not shell. */
    static final class SyntaxException extends RuntimeException {
        private final int line;

        SyntaxException(int line, String message) {
            super(message);
            this.line = line;
        }

        int line() {
            return line;
        }
    }

    private final String src;
    private final List<SimpleCommand> commands;
    private final Deque<String> hereDocuments = new ArrayDeque<>();
    private final List<Word> words = new ArrayList<>();
    private StringBuilder value;
    private boolean placeholder;
    private int wordStart;
    private int wordLine;
    private int pos;
    private int line;

    private ShellWords(String src, int firstLine, List<SimpleCommand> commands) {
        this.src = src;
        this.line = firstLine;
        this.commands = commands;
    }

    /** The simple commands of {@code text}, whose first line is {@code firstLine}, in source order (a {@code $(…)} before its command). */
    static List<SimpleCommand> parse(String text, int firstLine) {
        List<SimpleCommand> commands = new ArrayList<>();
        new ShellWords(text, firstLine, commands).run();
        return commands;
    }

    private void run() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == '\\' && pos + 1 < src.length()) {
                if (src.charAt(pos + 1) == '\n') {
                    pos += 2;
                    line++;
                } else {
                    append(src.charAt(pos + 1));
                    pos += 2;
                }
            } else if (c == '\n') {
                endCommand();
                pos++;
                line++;
                skipHereDocuments();
            } else if (c == ' ' || c == '\t' || c == '\r') {
                endWord();
                pos++;
            } else if (c == '#' && value == null) {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (c == ';' || c == '&' || c == '|' || ((c == '(' || c == ')' || c == '{' || c == '}') && value == null)) {
                endCommand();
                pos++;
            } else if (c == '>' || (c == '<' && !ANGLE_PLACEHOLDER.matcher(src).region(pos, src.length()).lookingAt())) {
                redirection();
            } else if (c == '<') {
                var matcher = ANGLE_PLACEHOLDER.matcher(src).region(pos, src.length());
                matcher.lookingAt();
                appendPlaceholder();
                pos = matcher.end();
            } else if (c == '\'') {
                int close = src.indexOf('\'', pos + 1);
                if (close < 0) {
                    throw new SyntaxException(line, "unclosed ' quote");
                }
                start();
                String quoted = src.substring(pos + 1, close);
                value.append(quoted);
                line += count(quoted, '\n');
                pos = close + 1;
            } else if (c == '"') {
                doubleQuoted();
            } else if (c == '$') {
                dollar();
            } else if (c == '`') {
                int close = src.indexOf('`', pos + 1);
                if (close < 0) {
                    throw new SyntaxException(line, "unclosed ` quote");
                }
                substitution(pos + 1, close);
            } else {
                append(c);
                pos++;
            }
        }
        endCommand();
    }

    private void doubleQuoted() {
        start();
        pos++;
        while (true) {
            if (pos >= src.length()) {
                throw new SyntaxException(wordLine, "unclosed \" quote");
            }
            char c = src.charAt(pos);
            if (c == '"') {
                pos++;
                return;
            } else if (c == '\\' && pos + 1 < src.length() && "\"\\$`\n".indexOf(src.charAt(pos + 1)) >= 0) {
                if (src.charAt(pos + 1) == '\n') {
                    line++;
                } else {
                    value.append(src.charAt(pos + 1));
                }
                pos += 2;
            } else if (c == '$') {
                dollar();
            } else if (c == '`') {
                int close = src.indexOf('`', pos + 1);
                if (close < 0) {
                    throw new SyntaxException(line, "unclosed ` quote");
                }
                substitution(pos + 1, close);
            } else {
                if (c == '\n') {
                    line++;
                }
                value.append(c);
                pos++;
            }
        }
    }

    /** At a {@code $}: a parameter, an arithmetic expansion or a command substitution; all are placeholders. */
    private void dollar() {
        start();
        char next = pos + 1 < src.length() ? src.charAt(pos + 1) : ' ';
        if (next == '(') {
            int close = matchingParenthesis(pos + 1);
            if (pos + 2 < src.length() && src.charAt(pos + 2) == '(') {
                line += count(src.substring(pos, close), '\n');
                appendPlaceholder();
                pos = close + 1;
            } else {
                substitution(pos + 2, close);
            }
        } else if (next == '{') {
            int close = src.indexOf('}', pos);
            if (close < 0) {
                throw new SyntaxException(line, "unclosed ${");
            }
            appendPlaceholder();
            pos = close + 1;
        } else if (Character.isLetterOrDigit(next) || next == '_' || "?#@*!$-".indexOf(next) >= 0) {
            pos++;
            if (Character.isLetter(next) || next == '_') {
                while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
                    pos++;
                }
            } else {
                pos++;
            }
            appendPlaceholder();
        } else {
            append('$');
            pos++;
        }
    }

    /** A command substitution whose text is {@code src[from, close)}: its commands are returned, the word gets a placeholder. */
    private void substitution(int from, int close) {
        int startLine = line;
        String inner = src.substring(from, close);
        appendPlaceholder();
        commands.addAll(parse(inner, startLine));
        line += count(inner, '\n');
        pos = close + 1;
    }

    private int matchingParenthesis(int open) {
        int depth = 0;
        for (int i = open; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '\'') {
                i = src.indexOf('\'', i + 1);
                if (i < 0) {
                    break;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new SyntaxException(line, "unclosed $(");
    }

    /** {@code > f}, {@code 2>>f}, {@code 2>&1}, {@code < f}, {@code <<'EOF'}: dropped, a here-document's body skipped. */
    private void redirection() {
        if (value != null && value.toString().chars().allMatch(Character::isDigit) && !placeholder) {
            value = null;
        } else {
            endWord();
        }
        boolean hereDocument = src.startsWith("<<", pos) && !src.startsWith("<<<", pos);
        while (pos < src.length() && "<>&-|".indexOf(src.charAt(pos)) >= 0) {
            pos++;
        }
        while (pos < src.length() && (src.charAt(pos) == ' ' || src.charAt(pos) == '\t')) {
            pos++;
        }
        int targetStart = pos;
        while (pos < src.length() && " \t\n;&|".indexOf(src.charAt(pos)) < 0) {
            pos++;
        }
        String target = src.substring(targetStart, pos);
        if (hereDocument) {
            hereDocuments.add(target.replace("'", "").replace("\"", "").replace("\\", ""));
        }
    }

    private void skipHereDocuments() {
        while (!hereDocuments.isEmpty()) {
            String delimiter = hereDocuments.poll();
            while (pos < src.length()) {
                int end = src.indexOf('\n', pos);
                String bodyLine = src.substring(pos, end < 0 ? src.length() : end);
                pos = end < 0 ? src.length() : end + 1;
                line++;
                if (bodyLine.strip().equals(delimiter)) {
                    break;
                }
            }
        }
    }

    private void start() {
        if (value == null) {
            value = new StringBuilder();
            placeholder = false;
            wordStart = pos;
            wordLine = line;
        }
    }

    private void append(char c) {
        start();
        value.append(c);
    }

    private void appendPlaceholder() {
        start();
        value.append(PLACEHOLDER);
        placeholder = true;
    }

    private void endWord() {
        if (value != null) {
            words.add(new Word(src.substring(wordStart, Math.min(pos, src.length())).strip(), value.toString(), wordLine, placeholder));
            value = null;
        }
    }

    private void endCommand() {
        endWord();
        if (!words.isEmpty()) {
            commands.add(new SimpleCommand(List.copyOf(words)));
            words.clear();
        }
    }

    private static int count(String text, char c) {
        return (int) text.chars().filter(ch -> ch == c).count();
    }
}
