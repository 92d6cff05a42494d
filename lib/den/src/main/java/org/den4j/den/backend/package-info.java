/**
 * The boundary between the den's logic and where it keeps bytes: blobs by digest and small
 * documents by key with create-only and compare-and-swap writes, so that local disks, object
 * stores and den servers can all hold a den.
 */
package org.den4j.den.backend;
