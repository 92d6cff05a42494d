/** The coder API: ICD coding over HTTP (REST and OpenAI-compatible endpoints) with metrics and hot reload. */
package org.den4j.serve.api;
