package dev.caracal.benchmarks.vector;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs JMH benchmarks of this classpath with settings for a shared 2-core machine: one fork per method (it inherits
 * this JVM's options, so {@code --add-modules jdk.incubator.vector} and {@code -Xmx} carry over), few iterations.
 */
final class Jmh {

    /**
     * One benchmark method's score with its 99.9% confidence half-width: operations per second summed over the
     * threads, or for a single shot the seconds it took.
     */
    record Score(String method, int threads, double score, double error) {}

    private Jmh() {}

    /**
     * Runs the methods of {@code benchmarks} whose names match {@code methods} (a regular expression) on {@code
     * threads} threads each, with the given {@code @Param} values, as throughput in operations per second.
     */
    static List<Score> run(Class<?> benchmarks, String methods, int threads, Map<String, String> params, double seconds)
            throws RunnerException {
        TimeValue iteration = TimeValue.milliseconds(Math.max(200, Math.round(seconds * 1000 / 5)));
        return run(options(benchmarks, methods, threads, params)
                .warmupIterations(3)
                .warmupTime(iteration)
                .measurementIterations(5)
                .measurementTime(iteration)
                .mode(Mode.Throughput));
    }

    /**
     * Runs the methods as {@link Mode#SingleShotTime}: each iteration calls a method once per thread, for work of a
     * fixed size; the score is the seconds that call took (averaged over the threads and the measured iterations).
     */
    static List<Score> singleShot(
            Class<?> benchmarks, String methods, int threads, Map<String, String> params, int warmups, int measured)
            throws RunnerException {
        return run(options(benchmarks, methods, threads, params)
                .warmupIterations(warmups)
                .measurementIterations(measured)
                .mode(Mode.SingleShotTime));
    }

    private static ChainedOptionsBuilder options(
            Class<?> benchmarks, String methods, int threads, Map<String, String> params) {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(Pattern.quote(benchmarks.getName()) + "\\.(?:" + methods + ")$")
                .forks(1)
                .threads(threads)
                .timeUnit(TimeUnit.SECONDS)
                .shouldFailOnError(true);
        params.forEach((name, value) -> options.param(name, value));
        return options;
    }

    private static List<Score> run(ChainedOptionsBuilder options) throws RunnerException {
        Collection<RunResult> results = new Runner(options.build()).run();
        List<Score> scores = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            scores.add(new Score(
                    name.substring(name.lastIndexOf('.') + 1),
                    r.getParams().getThreads(),
                    r.getPrimaryResult().getScore(),
                    r.getPrimaryResult().getScoreError()));
        }
        return scores;
    }

    /** The score of {@code method} among {@code scores}. */
    static double score(List<Score> scores, String method) {
        return scores.stream()
                .filter(s -> s.method().equals(method))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no result for " + method + " in " + scores))
                .score();
    }
}
