package dev.rendezvous.model.runtimes.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.TensorInfo;
import dev.rendezvous.model.api.DataType;
import dev.rendezvous.model.api.TensorValue;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.util.Optional;

/** Converts between {@link TensorValue}s and ONNX Runtime tensors, for the element types the runner supports. */
final class OnnxTensors {
    private OnnxTensors() {
    }

    /** The runner's type for an ONNX Runtime element type, if supported. */
    static Optional<DataType> dataType(OnnxJavaType type) {
        return switch (type) {
            case FLOAT -> Optional.of(DataType.FP32);
            case DOUBLE -> Optional.of(DataType.FP64);
            case INT32 -> Optional.of(DataType.INT32);
            case INT64 -> Optional.of(DataType.INT64);
            case BOOL -> Optional.of(DataType.BOOL);
            case STRING -> Optional.of(DataType.STRING);
            default -> Optional.empty();
        };
    }

    static OnnxTensor toOrt(OrtEnvironment environment, TensorValue value) throws OrtException {
        long[] shape = value.shape();
        return switch (value.type()) {
            case FP32 -> OnnxTensor.createTensor(environment, FloatBuffer.wrap(value.floats()), shape);
            case FP64 -> OnnxTensor.createTensor(environment, DoubleBuffer.wrap(value.doubles()), shape);
            case INT32 -> OnnxTensor.createTensor(environment, IntBuffer.wrap(value.ints()), shape);
            case INT64 -> OnnxTensor.createTensor(environment, LongBuffer.wrap(value.longs()), shape);
            case BOOL -> {
                boolean[] booleans = value.booleans();
                ByteBuffer bytes = ByteBuffer.allocateDirect(booleans.length);
                for (boolean b : booleans) {
                    bytes.put((byte) (b ? 1 : 0));
                }
                bytes.rewind();
                yield OnnxTensor.createTensor(environment, bytes, shape, OnnxJavaType.BOOL);
            }
            case STRING -> OnnxTensor.createTensor(environment, value.strings(), shape);
        };
    }

    static TensorValue fromOrt(String name, OnnxTensor tensor) throws OrtException {
        TensorInfo info = tensor.getInfo();
        long[] shape = info.getShape();
        DataType type = dataType(info.type).orElseThrow(() -> new IllegalStateException("output '" + name + "' is " + info.type
                + "; checked at load, so this is a bug"));
        int count = Math.toIntExact(TensorValue.elementCount(shape));
        return switch (type) {
            case FP32 -> TensorValue.of(read(tensor.getFloatBuffer(), new float[count]), shape);
            case FP64 -> TensorValue.of(read(tensor.getDoubleBuffer(), new double[count]), shape);
            case INT32 -> TensorValue.of(read(tensor.getIntBuffer(), new int[count]), shape);
            case INT64 -> TensorValue.of(read(tensor.getLongBuffer(), new long[count]), shape);
            case BOOL -> {
                ByteBuffer bytes = tensor.getByteBuffer();
                boolean[] booleans = new boolean[count];
                for (int i = 0; i < count; i++) {
                    booleans[i] = bytes.get(i) != 0;
                }
                yield TensorValue.of(booleans, shape);
            }
            case STRING -> {
                String[] strings = new String[count];
                flatten(tensor.getValue(), strings, 0);
                yield TensorValue.of(strings, shape);
            }
        };
    }

    private static float[] read(FloatBuffer buffer, float[] into) {
        buffer.get(into);
        return into;
    }

    private static double[] read(DoubleBuffer buffer, double[] into) {
        buffer.get(into);
        return into;
    }

    private static int[] read(IntBuffer buffer, int[] into) {
        buffer.get(into);
        return into;
    }

    private static long[] read(LongBuffer buffer, long[] into) {
        buffer.get(into);
        return into;
    }

    /** ONNX Runtime hands string tensors back as nested {@code String[]...} arrays (a plain String for a scalar). */
    private static int flatten(Object value, String[] into, int at) {
        if (value instanceof String text) {
            into[at] = text;
            return at + 1;
        }
        for (int i = 0; i < Array.getLength(value); i++) {
            at = flatten(Array.get(value, i), into, at);
        }
        return at;
    }

    /** All zeros (false, "") of a shape: a harmless input to pay for a session's first call. */
    static TensorValue zeros(DataType type, long[] shape) {
        int count = Math.toIntExact(TensorValue.elementCount(shape));
        Object data = Array.newInstance(type.elementClass(), count);
        if (type == DataType.STRING) {
            java.util.Arrays.fill((String[]) data, "");
        }
        return TensorValue.of(type, shape, data);
    }
}
