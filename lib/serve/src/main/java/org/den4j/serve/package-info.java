/** What the den4j HTTP servers share: starting a Javalin app on a host and port, and stopping it. */
package org.den4j.serve;
