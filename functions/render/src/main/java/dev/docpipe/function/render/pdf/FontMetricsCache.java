package dev.docpipe.function.render.pdf;

import com.openhtmltopdf.extend.FSCacheEx;
import com.openhtmltopdf.extend.FSCacheValue;

import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * openhtmltopdf's font-metrics cache, shared by all renders of one {@link PdfRenderer}. Keys are
 * {@code family:weight:style} of the bundled fonts, so it holds a handful of small immutable
 * entries. With the metrics known, openhtmltopdf does not have to turn every font of a fallback
 * chain into a PDF font just to measure line heights; only the fonts whose glyphs are drawn are.
 */
final class FontMetricsCache implements FSCacheEx<String, FSCacheValue> {
    private static final int MAX_ENTRIES = 1_000;

    private final ConcurrentHashMap<String, FSCacheValue> values = new ConcurrentHashMap<>();

    @Override
    public void put(String key, FSCacheValue value) {
        if (key != null && value != null && values.size() < MAX_ENTRIES) {
            values.put(key, value);
        }
    }

    @Override
    public FSCacheValue get(String key, Callable<? extends FSCacheValue> loader) {
        FSCacheValue value = values.get(key);
        if (value != null) {
            return value;
        }
        try {
            value = loader.call();
        } catch (Exception e) {
            return null;
        }
        put(key, value);
        return value;
    }

    @Override
    public FSCacheValue get(String key) {
        return key == null ? null : values.get(key);
    }

    int size() {
        return values.size();
    }
}
