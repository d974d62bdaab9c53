package org.grapevine.cli;

import org.grapevine.node.Sizes;
import picocli.CommandLine;

/** For options that take a size ({@link Sizes#parse}): a bad one is a usage error in one line. */
public final class SizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        try {
            return Sizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
