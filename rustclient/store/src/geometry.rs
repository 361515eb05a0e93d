//! [`Point`] and [`Rect`]: validated geometry for spatial queries.

use std::fmt;

use crate::error::{Error, Result};

/// The largest number of dimensions of a spatial index (`STORE_MAX_DIMS`).
///
/// ```
/// assert_eq!(store::MAX_DIMS, 20);
/// ```
pub const MAX_DIMS: usize = store_sys::STORE_MAX_DIMS;

fn check_dims(n: usize) -> Result<()> {
    if n == 0 || n > MAX_DIMS {
        return Err(Error::invalid(format!("{n} dimensions, want 1 to {MAX_DIMS}")));
    }
    Ok(())
}

fn write_coords(f: &mut fmt::Formatter<'_>, c: &[f64]) -> fmt::Result {
    f.write_str("[")?;
    for (i, v) in c.iter().enumerate() {
        if i > 0 {
            f.write_str(" ")?;
        }
        write!(f, "{v}")?;
    }
    f.write_str("]")
}

/// A point in 1 to [`MAX_DIMS`] dimensions with finite coordinates, for
/// [`nearby`](crate::Ops::nearby). It lives on the stack: building one
/// allocates nothing.
///
/// Its `Display` is BuntDB's rect text (`[x y]`), the value format of a
/// spatial index without a JSON path.
///
/// ```
/// use store::Point;
/// let p = Point::new(&[1.0, 2.5]).unwrap();
/// assert_eq!(p.coords(), &[1.0, 2.5]);
/// assert_eq!(p.to_string(), "[1 2.5]");
/// assert!(Point::new(&[f64::NAN]).is_err());
/// assert!(Point::new(&[]).is_err());
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Point {
    dims: usize,
    coords: [f64; MAX_DIMS],
}

impl Point {
    /// A point from its coordinates. Errors with [`Error::InvalidArg`]
    /// for 0 or more than [`MAX_DIMS`] coordinates, or one that is NaN or
    /// infinite.
    ///
    /// ```
    /// use store::{Error, Point};
    /// assert!(Point::new(&[0.0; 3]).is_ok());
    /// assert!(matches!(Point::new(&[f64::INFINITY]), Err(Error::InvalidArg(_))));
    /// assert!(matches!(Point::new(&[0.0; 21]), Err(Error::InvalidArg(_))));
    /// ```
    pub fn new(coords: &[f64]) -> Result<Point> {
        check_dims(coords.len())?;
        if let Some(i) = coords.iter().position(|c| !c.is_finite()) {
            return Err(Error::invalid(format!("point coordinate {i} is {}, want a finite number", coords.get(i).copied().unwrap_or(f64::NAN))));
        }
        let mut p = Point { dims: coords.len(), coords: [0.0; MAX_DIMS] };
        for (d, s) in p.coords.iter_mut().zip(coords) {
            *d = *s;
        }
        Ok(p)
    }

    /// The coordinates.
    ///
    /// ```
    /// assert_eq!(store::Point::new(&[7.0]).unwrap().coords(), &[7.0]);
    /// ```
    pub fn coords(&self) -> &[f64] {
        self.coords.get(..self.dims).unwrap_or_default()
    }

    /// The number of dimensions.
    ///
    /// ```
    /// assert_eq!(store::Point::new(&[1.0, 2.0]).unwrap().dims(), 2);
    /// ```
    pub fn dims(&self) -> usize {
        self.dims
    }
}

impl fmt::Debug for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Point").field(&self.coords()).finish()
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_coords(f, self.coords())
    }
}

/// An axis-aligned box in 1 to [`MAX_DIMS`] dimensions, for
/// [`intersects`](crate::Ops::intersects) and [`within`](crate::Ops::within).
/// Bounds may be infinite (an open side), never NaN, and `min <= max` in
/// every dimension. It lives on the stack: building one allocates nothing.
///
/// Its `Display` is BuntDB's rect text (`[x0 y0],[x1 y1]`).
///
/// ```
/// use store::Rect;
/// let r = Rect::new(&[0.0, 0.0], &[10.0, f64::INFINITY]).unwrap();
/// assert_eq!(r.dims(), 2);
/// assert_eq!(Rect::new(&[0.0, 1.0], &[2.0, 3.0]).unwrap().to_string(), "[0 1],[2 3]");
/// assert!(Rect::new(&[1.0], &[0.0]).is_err()); // min > max
/// ```
#[derive(Clone, Copy, PartialEq)]
pub struct Rect {
    dims: usize,
    min: [f64; MAX_DIMS],
    max: [f64; MAX_DIMS],
}

impl Rect {
    /// The box from `min` to `max`. Errors with [`Error::InvalidArg`] when
    /// the two differ in length, have 0 or more than [`MAX_DIMS`]
    /// coordinates, hold a NaN, or `min > max` in some dimension.
    ///
    /// ```
    /// use store::{Error, Rect};
    /// assert!(Rect::new(&[0.0], &[1.0]).is_ok());
    /// assert!(matches!(Rect::new(&[0.0], &[1.0, 2.0]), Err(Error::InvalidArg(_))));
    /// assert!(matches!(Rect::new(&[f64::NAN], &[1.0]), Err(Error::InvalidArg(_))));
    /// ```
    pub fn new(min: &[f64], max: &[f64]) -> Result<Rect> {
        check_dims(min.len())?;
        if min.len() != max.len() {
            return Err(Error::invalid(format!("min has {} dimensions and max has {}", min.len(), max.len())));
        }
        let mut r = Rect { dims: min.len(), min: [0.0; MAX_DIMS], max: [0.0; MAX_DIMS] };
        for (i, (lo, hi)) in min.iter().zip(max).enumerate() {
            if lo.is_nan() || hi.is_nan() {
                return Err(Error::invalid(format!("NaN in dimension {i}")));
            }
            if lo > hi {
                return Err(Error::invalid(format!("min {lo} > max {hi} in dimension {i}")));
            }
        }
        for (d, s) in r.min.iter_mut().zip(min) {
            *d = *s;
        }
        for (d, s) in r.max.iter_mut().zip(max) {
            *d = *s;
        }
        Ok(r)
    }

    /// The box holding exactly one point.
    ///
    /// ```
    /// use store::{Point, Rect};
    /// let r = Rect::point(&Point::new(&[1.0, 2.0]).unwrap());
    /// assert_eq!(r.min(), r.max());
    /// ```
    pub fn point(p: &Point) -> Rect {
        Rect { dims: p.dims, min: p.coords, max: p.coords }
    }

    /// The low corner.
    ///
    /// ```
    /// assert_eq!(store::Rect::new(&[1.0], &[2.0]).unwrap().min(), &[1.0]);
    /// ```
    pub fn min(&self) -> &[f64] {
        self.min.get(..self.dims).unwrap_or_default()
    }

    /// The high corner.
    ///
    /// ```
    /// assert_eq!(store::Rect::new(&[1.0], &[2.0]).unwrap().max(), &[2.0]);
    /// ```
    pub fn max(&self) -> &[f64] {
        self.max.get(..self.dims).unwrap_or_default()
    }

    /// The number of dimensions.
    ///
    /// ```
    /// assert_eq!(store::Rect::new(&[0.0; 3], &[1.0; 3]).unwrap().dims(), 3);
    /// ```
    pub fn dims(&self) -> usize {
        self.dims
    }
}

impl From<Point> for Rect {
    fn from(p: Point) -> Rect {
        Rect::point(&p)
    }
}

impl fmt::Debug for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rect").field("min", &self.min()).field("max", &self.max()).finish()
    }
}

impl fmt::Display for Rect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_coords(f, self.min())?;
        if self.min() != self.max() {
            f.write_str(",")?;
            write_coords(f, self.max())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_from_1_to_20() {
        for n in 1..=MAX_DIMS {
            let c = vec![1.0; n];
            assert_eq!(Point::new(&c).unwrap().dims(), n);
            assert_eq!(Rect::new(&c, &c).unwrap().dims(), n);
        }
        assert!(Point::new(&[1.0; MAX_DIMS + 1]).is_err());
        assert!(Rect::new(&[1.0; MAX_DIMS + 1], &[1.0; MAX_DIMS + 1]).is_err());
        assert!(Rect::new(&[], &[]).is_err());
    }

    #[test]
    fn bad_coordinates() {
        assert!(Point::new(&[0.0, f64::NEG_INFINITY]).is_err());
        assert!(Rect::new(&[0.0, 0.0], &[1.0, f64::NAN]).is_err());
        assert!(Rect::new(&[0.0, 2.0], &[1.0, 1.0]).is_err());
        assert!(Rect::new(&[f64::NEG_INFINITY], &[f64::INFINITY]).is_ok());
    }

    #[test]
    fn display_is_rect_text() {
        assert_eq!(Point::new(&[1.0, -2.25, 3e-5]).unwrap().to_string(), "[1 -2.25 0.00003]");
        assert_eq!(Rect::new(&[1.0, 2.0], &[1.0, 2.0]).unwrap().to_string(), "[1 2]");
        assert_eq!(Rect::new(&[1.0, 2.0], &[3.0, 4.0]).unwrap().to_string(), "[1 2],[3 4]");
    }
}
