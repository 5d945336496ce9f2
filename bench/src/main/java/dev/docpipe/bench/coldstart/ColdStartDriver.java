package dev.docpipe.bench.coldstart;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.net.URL;
import java.net.URLClassLoader;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The measured JVM of bench/coldstart plays the Lambda runtime for one event: it loads the handler
 * class named on the command line from the function's artifact, builds it with its no-arg
 * constructor (the Lambda init phase), reads one event file, deserialises it the way the Java runtime
 * does (aws-lambda-java-serialization's event serializers, or its Jackson for other types, for
 * {@code RequestHandler}; the raw bytes
 * for {@code RequestStreamHandler}), handles it and prints one line of timings, in milliseconds since
 * {@code -Dcoldstart.t0} (epoch milliseconds taken by the script just before it started this JVM).
 * Only this class, the Lambda runtime's own libraries and the function's artifact are on the class path;
 * or, with {@code -Dcoldstart.customerClassPath=<jars>}, the function's artifacts are not on the class
 * path but loaded by a {@link URLClassLoader} of their own, as Lambda's Java runtime loads function code
 * (from {@code /var/task} and the layers' {@code /opt/java/lib}) through its own class loader.
 */
public final class ColdStartDriver {
    private ColdStartDriver() {
    }

    public static void main(String[] args) throws Exception {
        long mainAt = System.currentTimeMillis();
        long t0 = Long.parseLong(System.getProperty("coldstart.t0", Long.toString(mainAt)));
        String customer = System.getProperty("coldstart.customerClassPath");
        ClassLoader loader = ColdStartDriver.class.getClassLoader();
        if (customer != null) {
            String[] jars = customer.split(java.io.File.pathSeparator);
            URL[] urls = new URL[jars.length];
            for (int i = 0; i < jars.length; i++) {
                urls[i] = Path.of(jars[i]).toUri().toURL();
            }
            loader = new URLClassLoader(urls, loader);
            Thread.currentThread().setContextClassLoader(loader);
        }
        Class<?> type = Class.forName(args[0], true, loader);
        Object handler = type.getConstructor().newInstance();
        long initAt = System.currentTimeMillis();
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        String result;
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new java.io.ByteArrayInputStream(event), out, null);
            result = out.toString(StandardCharsets.UTF_8);
        } else {
            @SuppressWarnings("unchecked")
            RequestHandler<Object, Object> h = (RequestHandler<Object, Object>) handler;
            Class<?> input = inputType(type);
            Object in;
            Class<?> outputClass;
            try (InputStream s = new java.io.ByteArrayInputStream(event)) {
                in = LambdaEventSerializers.isLambdaSupportedEvent(input.getName())
                        ? LambdaEventSerializers.serializerFor(input, type.getClassLoader()).fromJson(s)
                        : JacksonFactory.getInstance().getSerializer(input).fromJson(s);
            }
            Object out = h.handleRequest(in, null);
            outputClass = out == null ? Void.class : out.getClass();
            if (out != null && LambdaEventSerializers.isLambdaSupportedEvent(outputClass.getName())) {
                @SuppressWarnings("unchecked")
                PojoSerializer<Object> serializer = (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(outputClass,
                        type.getClassLoader());
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                serializer.toJson(out, bytes);
                result = bytes.toString(StandardCharsets.UTF_8);
            } else {
                result = String.valueOf(out);
            }
        }
        long doneAt = System.currentTimeMillis();
        String shortResult = result.replaceAll("\\s+", " ");
        System.out.printf("{\"jvmToMainMs\":%d,\"initMs\":%d,\"firstEventMs\":%d,\"totalMs\":%d,\"result\":\"%s\"}%n",
                mainAt - t0, initAt - mainAt, doneAt - initAt, doneAt - t0,
                shortResult.substring(0, Math.min(160, shortResult.length())).replace("\\", "\\\\").replace("\"", "'"));
        System.exit(0);
    }

    private static Class<?> inputType(Class<?> handler) {
        for (Type t : handler.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                Type input = p.getActualTypeArguments()[0];
                return input instanceof ParameterizedType generic ? (Class<?>) generic.getRawType() : (Class<?>) input;
            }
        }
        throw new IllegalArgumentException(handler + " does not implement RequestHandler<I, O> directly");
    }
}
