package onnx2mpc.codegen;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/** Compiles Java source held in strings to class files held in memory, with javax.tools. */
final class InMemoryJavac {
  private InMemoryJavac() {}

  /** Binary class name to source in, binary class name to class file out; fails on errors. */
  static Map<String, byte[]> compile(Map<String, String> sources) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("expected a JDK with javac, but found a JRE");
    }
    DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> out = new HashMap<>();
    StandardJavaFileManager std = javac.getStandardFileManager(diags, null, null);
    ForwardingJavaFileManager<StandardJavaFileManager> fm =
        new ForwardingJavaFileManager<>(std) {
          @Override
          public JavaFileObject getJavaFileForOutput(Location loc, String className,
              JavaFileObject.Kind kind, FileObject sibling) {
            return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/')
                + kind.extension), kind) {
              @Override
              public OutputStream openOutputStream() {
                return out.computeIfAbsent(className, k -> new ByteArrayOutputStream());
              }
            };
          }
        };
    List<JavaFileObject> units = new ArrayList<>();
    for (Map.Entry<String, String> e : sources.entrySet()) {
      units.add(new SimpleJavaFileObject(URI.create("string:///" + e.getKey().replace('.', '/')
          + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return e.getValue();
        }
      });
    }
    String cp = RuntimeClasses.roots(InMemoryJavac.class.getClassLoader()).stream()
        .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    List<String> options = List.of("--release", "17", "-Xlint:all", "-Werror", "-classpath", cp);
    boolean ok = javac.getTask(null, fm, diags, options, null, units).call();
    if (!ok || !diags.getDiagnostics().isEmpty()) {
      StringBuilder sb = new StringBuilder("javac failed:\n");
      for (Diagnostic<? extends JavaFileObject> d : diags.getDiagnostics()) {
        sb.append(d).append('\n');
      }
      throw new AssertionError(sb.toString());
    }
    Map<String, byte[]> classes = new HashMap<>();
    out.forEach((k, v) -> classes.put(k, v.toByteArray()));
    return classes;
  }

  /** A fresh class loader that defines exactly these classes, over the test's loader. */
  static ClassLoader loader(Map<String, byte[]> classes) {
    return new ClassLoader(InMemoryJavac.class.getClassLoader()) {
      @Override
      protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] b = classes.get(name);
        if (b == null) {
          throw new ClassNotFoundException(name);
        }
        return defineClass(name, b, 0, b.length);
      }
    };
  }
}
