/** File-system building blocks the den and its neighbours share: removing file trees and locking files across processes. */
package org.den4j.den.io;
