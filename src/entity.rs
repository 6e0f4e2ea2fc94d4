//! The types of entities the tables hold.

/// The type of an entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityType {
    Country,
    City,
    Person,
    Org,
    Place,
    Other,
}

impl EntityType {
    /// Every type, in the order of their byte codes.
    pub const ALL: [EntityType; 6] = [
        EntityType::Country,
        EntityType::City,
        EntityType::Person,
        EntityType::Org,
        EntityType::Place,
        EntityType::Other,
    ];

    /// The type stored as byte `code` (an unknown code reads as `other`).
    pub fn from_code(code: u8) -> EntityType {
        EntityType::ALL
            .get(code as usize)
            .copied()
            .unwrap_or(EntityType::Other)
    }

    /// The type's byte code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The type's name, as tables and outputs write it.
    pub fn as_str(self) -> &'static str {
        crate::table::TYPES[self as usize]
    }

    /// The type named `name`.
    pub fn parse(name: &str) -> Option<EntityType> {
        crate::table::type_code(name).map(EntityType::from_code)
    }

    /// A place of some kind (country, city, other place): what a column of places holds.
    pub fn is_place(self) -> bool {
        matches!(
            self,
            EntityType::Country | EntityType::City | EntityType::Place
        )
    }
}

impl std::fmt::Display for EntityType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
