package dev.caracal.llm.openai.internal;

import dev.caracal.llm.testkit.AsyncCompletionScenarios;

/** {@code completeAsync} against aimock's chat completions: the test kit's shared scenarios, for OpenAI. */
class AsyncCompletionTest extends AsyncCompletionScenarios<OpenAiChatModel> {

    AsyncCompletionTest() {
        super(OpenAiUnderTest.PROVIDER);
    }
}
