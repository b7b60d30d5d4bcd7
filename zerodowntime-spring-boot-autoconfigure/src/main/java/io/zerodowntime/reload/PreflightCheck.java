package io.zerodowntime.reload;

/**
 * A condition checked just before a reload spawns its child, so that a reload that
 * cannot work is refused with its reason instead of starting a doomed child.
 *
 * @author zerodowntime
 * @since 0.1.0
 */
@FunctionalInterface
public interface PreflightCheck {

	/**
	 * Check that a reload can start now.
	 * @throws ReloadRefusedException with the reason if it cannot
	 */
	void check();

}
