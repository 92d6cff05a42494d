/** The den: a shared, content-addressed model store with a registry of model metadata. */
package org.den4j.den;
