package org.den4j.loop;

import java.util.regex.Pattern;

/** The form of tenant and label-set names: they become segments of den model names. */
final class Names {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private Names() {
    }

    static String check(String what, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LoopInputException(what + " name '" + name + "' is not valid; use 1 to 63 lower-case letters, "
                    + "digits, '.', '_' or '-', starting with a letter or digit");
        }
        return name;
    }
}
